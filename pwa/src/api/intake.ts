// Walk-in intake at the counter: the desk finds the citizen, then applies for them and the
// dossier is received at once. Wire types written by hand to mirror
// backend/features/dossiers/intake.py and backend/features/identity/schemas.py (AccountMatch).
import { apiCall } from './client';
import type { ActionResult } from './work';

/** A citizen's account the desk found by phone or CCCD (numbers masked but the last three). */
export interface AccountMatch {
  id: string;
  fullName: string;
  phoneMasked: string;
  cccdMasked?: string;
}

/** A citizen without an account yet: the intake makes one. */
export interface NewApplicant {
  fullName: string;
  phone: string;
  cccd?: string;
}

export type ReturnMethod = 'counter' | 'post';

export interface IntakeRequest {
  /** Chosen on the device (uuidv7); the counter photos were registered under it too. */
  dossierId: string;
  /** The desk's agency. */
  agencyCode: string;
  procedureCode: string;
  variantKey?: string;
  fields: Record<string, unknown>;
  /** Attachment ids by document slot, uploaded by the desk officer's own account. */
  documents: Record<string, string[]>;
  /** An existing citizen's account, or `applicant` for a new one. */
  accountId?: string;
  applicant?: NewApplicant;
  returnMethod: ReturnMethod;
}

/** Look a citizen up by exactly one of a mobile number or a CCCD number. */
export function findAccounts(query: { phone: string } | { cccd: string }) {
  const [name, value] = 'phone' in query ? ['phone', query.phone] : ['cccd', query.cccd];
  return apiCall<AccountMatch[]>(
    'GET',
    `/api/v1/desk/accounts?${new URLSearchParams({ [name]: value }).toString()}`,
  );
}

/** Receive the application at the counter: the dossier has its code and due date at once. */
export const receiveAtCounter = (request: IntakeRequest) =>
  apiCall<ActionResult>('POST', '/api/v1/work/dossiers/intake', request);
