// Walk-in intake at the counter: the desk finds the citizen, then applies for them and the
// dossier is received at once. The wire types are aliases of those generated from the OpenAPI
// document (./schema.ts).
import { apiCall } from './client';
import type { Answer, Body } from './operations';
import type { components } from './schema';

export type { AccountMatch } from './identity';

/** A citizen without an account yet: the intake makes one. */
export type NewApplicant = components['schemas']['NewApplicant'];

/** The application made at the counter: the dossier's id chosen on the device (uuidv7; the
 * counter photos were registered under it too), the desk's agency, the answers, the attachment
 * ids by document slot, and an existing citizen's `accountId` or a new `applicant`. */
export type IntakeRequest = Body<'intakeAtCounter'>;

export type ReturnMethod = NonNullable<IntakeRequest['returnMethod']>;

/** Look a citizen up by exactly one of a mobile number or a CCCD number. */
export function findAccounts(query: { phone: string } | { cccd: string }) {
  const [name, value] = 'phone' in query ? ['phone', query.phone] : ['cccd', query.cccd];
  return apiCall<Answer<'findAccountsAtDesk'>>(
    'GET',
    `/api/v1/desk/accounts?${new URLSearchParams({ [name]: value }).toString()}`,
  );
}

/** Receive the application at the counter: the dossier has its code and due date at once. */
export const receiveAtCounter = (request: IntakeRequest) =>
  apiCall<Answer<'intakeAtCounter'>>('POST', '/api/v1/work/dossiers/intake', request);
