// The staff dossier API (one-stop processing): the work waiting at one's steps and the actions
// on a dossier there. Wire types written by hand to mirror backend/features/dossiers/schemas.py.
import { apiCall, apiPostForm } from './client';

export type StaffAction =
  | 'receive'
  | 'refuse'
  | 'forward'
  | 'approve'
  | 'stop'
  | 'pay'
  | 'return_result'
  | 'request_supplement';

export interface WorkStep {
  key: string;
  name: string;
  nameEn?: string;
  role: string;
  kind: string;
  agencyCode: string;
  agencyName?: string;
  dueAt?: string;
}

/** A dossier as staff see it, with what they may do to it at its step (nothing when they may
 * only read it). */
export interface WorkItem {
  id: string;
  reference: string;
  procedureCode: string;
  procedureName: string;
  status: string;
  statusCode: number;
  submittedAt: string;
  /** Where it waits now; absent once it is finished. */
  step?: WorkStep;
  actions: StaffAction[];
  channel: string;
  isOverdue?: boolean;
  code?: string;
  dueAt?: string;
}

/** One row of the process-control sheet (phiếu kiểm soát quá trình). */
export interface SheetRow {
  at: string;
  action: string;
  status: string;
  actorRole: string;
  stepKey?: string;
  agencyCode?: string;
  toStepKey?: string;
  toAgencyCode?: string;
  stepDueAt?: string;
  outcome?: 'early' | 'on_time' | 'late';
  note?: string;
}

export interface DossierDocument {
  id: string;
  slotKey: string;
  mediaType: string;
  bytes: number;
  href: string;
}

export interface ResultDocument {
  id: string;
  fileName: string;
  mediaType: string;
  bytes: number;
  uploadedAt: string;
  href: string;
}

export interface Applicant {
  fullName: string;
  phone: string;
  cccd?: string;
}

export interface WorkDetail extends WorkItem {
  sheet: SheetRow[];
  applicant?: Applicant;
  fields?: Record<string, unknown>;
  documents?: DossierDocument[];
  resultDocument?: ResultDocument;
  nextStep?: WorkStep;
}

export interface ActionRequest {
  action: StaffAction;
  note?: string;
  items?: string[];
  deadline?: string;
}

/** Where the dossier stands after an action. */
export interface ActionResult {
  id: string;
  status: string;
  statusCode: number;
  sheet: SheetRow[];
  code?: string;
  dueAt?: string;
  step?: WorkStep;
}

export interface LateItem {
  id: string;
  reference: string;
  procedureCode: string;
  status: string;
  isOverdue: boolean;
  apologized: boolean;
  code?: string;
  dueAt?: string;
  stepKey?: string;
  stepDueAt?: string;
}

const BASE = '/api/v1/work/dossiers';
const path = (id: string) => `${BASE}/${encodeURIComponent(id)}`;

export const fetchWork = () => apiCall<WorkItem[]>('GET', `${BASE}/`);
export const fetchWorkDossier = (id: string) => apiCall<WorkDetail>('GET', path(id));
export const fetchLate = (withinHours = 24) =>
  apiCall<LateItem[]>('GET', `${BASE}/late?withinHours=${withinHours}`);
export const takeAction = (id: string, request: ActionRequest) =>
  apiCall<ActionResult>('POST', `${path(id)}/actions`, request);
export const issueApology = (id: string, newDueAt: string, reason: string) =>
  apiCall<LateItem>('POST', `${path(id)}/apology`, { newDueAt, reason });

/** Attach the signed result document (PDF or photo) before approving. */
export function uploadResult(id: string, file: File): Promise<ResultDocument> {
  const body = new FormData();
  body.append('file', file, file.name);
  return apiPostForm<ResultDocument>(`${path(id)}/result`, body);
}
