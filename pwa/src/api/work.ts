// The staff dossier API (one-stop processing): the work waiting at one's steps and the actions
// on a dossier there. The wire types are aliases of those generated from the OpenAPI document
// (./schema.ts), named as the PWA speaks of them.
import { apiCall, apiPostForm } from './client';
import type { Answer, Body } from './operations';
import type { components } from './schema';

type Schemas = components['schemas'];

export type StaffAction = Schemas['ActionRequest']['action'];
/** A step of the dossier's route at the agency that holds it, with its due time while the
 * dossier is there. */
export type WorkStep = Schemas['StepOut'];
/** A dossier as staff see it, with what they may do to it at its step (nothing when they may
 * only read it); `step` is absent once it is finished. */
export type WorkItem = Schemas['WorkItem'];
/** One row of the process-control sheet (phiếu kiểm soát quá trình). */
export type SheetRow = Schemas['SheetRow'];
export type DossierDocument = Schemas['DossierDocument'];
export type ResultDocument = Schemas['ResultDocument'];
export type Applicant = Schemas['Applicant'];
/** A dossier at one of my steps: its sheet, who applied, the answers as submitted, its
 * documents, its result document once attached, and the step a hand-on would take it to. */
export type WorkDetail = Schemas['WorkDetail'];
export type ActionRequest = Schemas['ActionRequest'];
/** Where the dossier stands after an action. */
export type ActionResult = Schemas['ActionResult'];
/** An open dossier of the leader's agencies that is late or due soon. */
export type LateItem = Schemas['LateItem'];

const BASE = '/api/v1/work/dossiers';
const path = (id: string) => `${BASE}/${encodeURIComponent(id)}`;

export const fetchWork = () => apiCall<Answer<'listWork'>>('GET', `${BASE}/`);
export const fetchWorkDossier = (id: string) => apiCall<Answer<'getWork'>>('GET', path(id));
export const fetchLate = (withinHours = 24) =>
  apiCall<Answer<'listLateWork'>>('GET', `${BASE}/late?withinHours=${withinHours}`);
export const takeAction = (id: string, request: Body<'actOnDossier'>) =>
  apiCall<Answer<'actOnDossier'>>('POST', `${path(id)}/actions`, request);
export function issueApology(id: string, newDueAt: string, reason: string) {
  const apology: Body<'issueApology'> = { newDueAt, reason };
  return apiCall<Answer<'issueApology'>>('POST', `${path(id)}/apology`, apology);
}

/** Attach the signed result document (PDF or photo) before approving. */
export function uploadResult(id: string, file: File) {
  const body = new FormData();
  body.append('file', file, file.name);
  return apiPostForm<Answer<'attachResult'>>(`${path(id)}/result`, body);
}
