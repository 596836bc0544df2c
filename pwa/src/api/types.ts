// Wire types of the catalogue API, written by hand to mirror
// backend/features/catalogue/schemas.py and forms.py (camelCase on the wire). The server omits a
// field that holds its default, so those fields are optional here and their defaults are noted.
// Later generated from the OpenAPI document.

export type AgencyLevel = 'province' | 'commune';
export type OnlineLevel = 'full' | 'partial';
export type TimeUnit = 'working_days' | 'working_hours' | 'calendar_days';
export type Confidence = 'seen' | 'unverified';

export interface Sector {
  code: string;
  name: string;
  nameEn?: string;
  /** Default 0. */
  procedureCount?: number;
}

export interface AgencyRef {
  code: string;
  name: string;
  nameEn?: string;
  /** Default "province". */
  level?: AgencyLevel;
}

export interface ProcessingTime {
  value: number;
  unit: TimeUnit;
  /** Vietnamese, with `noteEn` its English translation when there is one. */
  note?: string;
  noteEn?: string;
}

export interface Fee {
  name: string;
  amountVnd: number;
  nameEn?: string;
  per?: string;
  rule?: string;
}

export interface RequiredDocument {
  key: string;
  name: string;
  nameEn?: string;
  /** Default true. */
  required?: boolean;
  /** Whether a photo or scan is accepted instead of the paper; default true. */
  photoAllowed?: boolean;
  /** Default 0. */
  originals?: number;
  /** Default 1. */
  copies?: number;
}

/** A label in Vietnamese (authoritative) and English; `Text` in forms.py. */
export interface LocalizedText {
  vi: string;
  en: string;
}

export type FieldType = 'text' | 'number' | 'date' | 'choice' | 'phone' | 'cccd' | 'address';

export interface Choice {
  value: string;
  label: LocalizedText;
}

export interface FormField {
  key: string;
  type: FieldType;
  label: LocalizedText;
  required?: boolean;
  help?: LocalizedText;
  minLength?: number;
  maxLength?: number;
  multiline?: boolean;
  min?: number;
  max?: number;
  integer?: boolean;
  /** ISO date, or "today" in Asia/Ho_Chi_Minh. */
  minDate?: string;
  maxDate?: string;
  options?: Choice[];
}

export interface FormSection {
  key: string;
  title: LocalizedText;
  fields: FormField[];
}

export interface DocumentSlot {
  key: string;
  name: LocalizedText;
  /** Default true. */
  required?: boolean;
  /** Default true. */
  photoAllowed?: boolean;
  /** Default 0. */
  originals?: number;
  /** Default 1. */
  copies?: number;
  /** Default 5. */
  maxFiles?: number;
}

export interface FormSchema {
  sections: FormSection[];
  documents: DocumentSlot[];
  version: number;
}

export interface Variant {
  key: string;
  version: number;
  name: string;
  nameEn?: string;
  processingTime: ProcessingTime;
  fees: Fee[];
  documents: RequiredDocument[];
  form: FormSchema;
  effectiveFrom: string;
  effectiveTo?: string;
}

export interface Procedure {
  code: string;
  name: string;
  nameEn?: string;
  sector: Sector;
  agencyLevel: AgencyLevel;
  onlineLevel: OnlineLevel;
  processingTime: ProcessingTime;
  /** Whether every fee of the default (first) variant is zero. */
  isFree: boolean;
  agencyName: string;
  agencyNameEn?: string;
  /** Default "unverified". */
  confidence?: Confidence;
  variants?: Variant[];
  agencies?: AgencyRef[];
}

export interface ProcedurePage {
  items: Procedure[];
  nextCursor?: string;
}

/** RFC 9457 problem details, in the language the request asked for. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  /** Validation problems: one entry per broken rule, its message in the request's language. */
  errors?: FieldProblem[];
}

export interface FieldProblem {
  field: string;
  code: string;
  message: string;
  params?: Record<string, string | number>;
}
