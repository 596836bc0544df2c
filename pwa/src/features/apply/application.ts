// The application form's pure parts: which variants can be applied for, what the fields show
// and what the draft stores, which document slots are not ready, and the order errors are listed.
import type { DocumentSlot, FormField, FormSchema, Procedure, Variant } from '../../api/types';
import { isValidPhone, normalizePhone } from '../../lib/form-rules';
import { isCompressible } from '../../lib/photo-plan';

/** An address field as the form shows it: both parts, blank until filled. */
export interface AddressValue {
  communeCode: string;
  detail: string;
}

/** What a field shows: text as typed (numbers too), or an address. */
export type FieldValue = string | AddressValue;

export type FormValues = Record<string, FieldValue>;

/** A broken rule to show: from the device's checks or from the server's refusal. */
export interface ShownError {
  /** A form field key, or `documents.<slot key>`. */
  field: string;
  code: string;
  params?: Record<string, string | number>;
}

/** The errors a form shows, by the field (or slot) they are about. */
export type FieldErrors = Record<string, ShownError>;

/** The errors by field; the first of a field wins, as in the summary. */
export function errorsByField(errors: ShownError[]): FieldErrors {
  const shown: FieldErrors = {};
  for (const error of errors) shown[error.field] ??= error;
  return shown;
}

/** Where an error about a document slot is filed. */
export const slotErrorField = (slotKey: string): string => `documents.${slotKey}`;

export const DEFAULT_MAX_FILES = 5;

/** A choice with this many options or fewer is a radio group; more, a select. */
export const MAX_RADIO_OPTIONS = 4;

/** The file types a slot accepts ("Chọn tệp"); the camera gives JPEG. */
export const ACCEPTED_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'];

export function formFields(schema: Pick<FormSchema, 'sections'>): FormField[] {
  return schema.sections.flatMap((section) => section.fields);
}

/** The variants in force on `today` (ISO date); the end date is exclusive. */
export function currentVariants(procedure: Procedure, today: string): Variant[] {
  return (procedure.variants ?? []).filter(
    (variant) =>
      variant.effectiveFrom <= today && (!variant.effectiveTo || today < variant.effectiveTo),
  );
}

/** The variant to fill: the one saved in the draft if still in force, or the only one. */
export function chosenVariant(variants: Variant[], savedKey?: string | null): Variant | undefined {
  const saved = variants.find((variant) => variant.key === savedKey);
  return saved ?? (variants.length === 1 ? variants[0] : undefined);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  return typeof value === 'number' ? String(value) : '';
}

/** A draft's stored fields as the form shows them; keys the form does not know are dropped. */
export function formValues(
  fields: FormField[],
  data: Readonly<Record<string, unknown>>,
): FormValues {
  const values: FormValues = {};
  for (const field of fields) {
    const value = data[field.key];
    if (field.type === 'address') {
      const address = isRecord(value) ? value : {};
      values[field.key] = {
        communeCode: text(address['communeCode']),
        detail: text(address['detail']),
      };
    } else {
      values[field.key] = text(value);
    }
  }
  return values;
}

const NUMBER = /^[+-]?\d+(?:[.,]\d+)?$/;

/** A number as typed; Vietnamese write the decimal separator as a comma. Not a number: as is. */
function numberOf(typed: string): number | string {
  const trimmed = typed.trim();
  return NUMBER.test(trimmed) ? Number(trimmed.replace(',', '.')) : typed;
}

/** People write CCCD numbers in groups: "079 227 001 234". */
const compactCccd = (typed: string) => typed.replace(/[\s.-]/g, '');

const phoneOf = (typed: string) => (isValidPhone(typed) ? normalizePhone(typed) : typed);

/**
 * The fields as the draft stores them and the server checks them: only the form's keys,
 * blanks left out, numbers as numbers, CCCD without spaces, phones in their national form.
 * A value that cannot be converted stays as typed, so the rules can say what is wrong.
 */
export function formData(fields: FormField[], values: FormValues): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const field of fields) {
    const value = values[field.key];
    if (value === undefined) continue;
    if (typeof value !== 'string') {
      if (value.communeCode !== '' || value.detail.trim() !== '') data[field.key] = { ...value };
      continue;
    }
    if (value.trim() === '') continue;
    if (field.type === 'number') data[field.key] = numberOf(value);
    else if (field.type === 'cccd') data[field.key] = compactCccd(value);
    else if (field.type === 'phone') data[field.key] = phoneOf(value);
    else data[field.key] = value;
  }
  return data;
}

/** A file of the draft as the slots see it. */
export interface SlotFile {
  id: string;
  slotKey?: string;
  createdAt: string;
  /** The server refused the file (wrong type, damaged, too large). */
  isRefused: boolean;
}

/** The draft's files of each slot of the form, oldest first (the citizen's order). */
export function filesBySlot<File extends SlotFile>(
  slots: DocumentSlot[],
  files: File[],
): Map<string, File[]> {
  const bySlot = new Map(slots.map((slot) => [slot.key, [] as File[]]));
  const sorted = [...files].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  for (const file of sorted) if (file.slotKey) bySlot.get(file.slotKey)?.push(file);
  return bySlot;
}

/** What a submission names: attachment ids by slot key, slots without files left out. */
export function documentsOf(slots: DocumentSlot[], files: SlotFile[]): Record<string, string[]> {
  const documents: Record<string, string[]> = {};
  for (const [key, inSlot] of filesBySlot(slots, files)) {
    if (inSlot.length > 0) documents[key] = inSlot.map((file) => file.id);
  }
  return documents;
}

/** The slots not ready to submit: a required one empty, too many files, a refused file. */
export function slotErrors(slots: DocumentSlot[], files: SlotFile[]): ShownError[] {
  const bySlot = filesBySlot(slots, files);
  const errors: ShownError[] = [];
  for (const slot of slots) {
    const inSlot = bySlot.get(slot.key) ?? [];
    const max = slot.maxFiles ?? DEFAULT_MAX_FILES;
    const field = slotErrorField(slot.key);
    if (inSlot.length === 0 && (slot.required ?? true)) errors.push({ field, code: 'required' });
    else if (inSlot.length > max) errors.push({ field, code: 'too_many_files', params: { max } });
    else if (inSlot.some((file) => file.isRefused)) errors.push({ field, code: 'file_refused' });
  }
  return errors;
}

/**
 * The errors shown, those already on slots brought up to date with the files: an error that
 * still holds takes its current form, one that no longer does goes; none is added. The same
 * errors (the same object) when nothing changed.
 */
export function followFiles(
  shown: FieldErrors,
  slots: DocumentSlot[],
  files: SlotFile[],
): FieldErrors {
  const current = slotErrors(slots, files);
  const next = { ...shown };
  let isChanged = false;
  for (const slot of slots) {
    const field = slotErrorField(slot.key);
    if (!next[field]) continue;
    const error = current.find((candidate) => candidate.field === field);
    isChanged ||= JSON.stringify(error) !== JSON.stringify(next[field]);
    if (error) next[field] = error;
    else delete next[field];
  }
  return isChanged ? next : shown;
}

/**
 * One error per field, in the order the form shows them: its fields, then its document slots;
 * errors about anything else last. The first error of a field is kept.
 */
export function orderErrors(schema: FormSchema, errors: ShownError[]): ShownError[] {
  const positions = new Map<string, number>();
  const keys = [
    ...formFields(schema).map((field) => field.key),
    ...(schema.documents ?? []).map((slot) => slotErrorField(slot.key)),
  ];
  for (const key of keys) if (!positions.has(key)) positions.set(key, positions.size);
  const firstByField = new Map<string, ShownError>();
  for (const error of errors) {
    if (!firstByField.has(error.field)) firstByField.set(error.field, error);
  }
  const position = (error: ShownError) => positions.get(error.field) ?? positions.size;
  // Array.prototype.sort is stable: unknown fields keep their own order at the end.
  return [...firstByField.values()].sort((a, b) => position(a) - position(b));
}

/** The id of a field's control (the first of a group), for labels and error links. */
export function fieldControlId(field: FormField): string {
  if (field.type === 'address') return `field-${field.key}-commune`;
  if (isRadioChoice(field)) return `field-${field.key}-0`;
  return `field-${field.key}`;
}

export const fieldErrorId = (key: string): string => `field-${key}-error`;

export const slotId = (slotKey: string): string => `slot-${slotKey}`;

/** The id an error summary link leads to. */
export function errorTargetId(schema: FormSchema, error: ShownError): string {
  const slot = schema.documents?.find((s) => slotErrorField(s.key) === error.field);
  if (slot) return slotId(slot.key);
  const field = formFields(schema).find((f) => f.key === error.field);
  return field ? fieldControlId(field) : 'application-form';
}

export const isRadioChoice = (field: FormField): boolean =>
  field.type === 'choice' && (field.options ?? []).length <= MAX_RADIO_OPTIONS;

/** Whether a chosen file can go into a slot: photos (compressed to JPEG on the phone), PDFs. */
export const isAcceptedFile = (mediaType: string): boolean =>
  ACCEPTED_TYPES.includes(mediaType) || isCompressible(mediaType);
