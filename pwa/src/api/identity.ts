// The identity API: passkey ceremonies, the signed-in account, its passkeys and sessions.
// The wire types are aliases of those generated from the OpenAPI document (./schema.ts).
import { apiCall } from './client';
import type { Answer, Body, OperationId } from './operations';
import type { components } from './schema';

type Schemas = components['schemas'];

export type RoleName = Schemas['RoleOut']['role'];
/** A role the account holds, at an agency (or a postal unit). */
export type RoleAssignment = Schemas['RoleOut'];
/** The signed-in account. */
export type Me = Schemas['Me'];
export type SignUpDetails = Body<'startSignUp'>;

// The server describes a ceremony's `publicKey` as an object: it is WebAuthn's JSON options
// (py_webauthn's options_to_json), which the browser's parse functions take. Likewise the
// `credential` a ceremony's result sends back is WebAuthn's JSON credential: a new passkey's
// (registration) or a signature by one (assertion).
type WithPublicKey<Ceremony, PublicKey> = Omit<Ceremony, 'publicKey'> & { publicKey: PublicKey };
type CreationOf<Op extends OperationId> = WithPublicKey<
  Answer<Op>,
  PublicKeyCredentialCreationOptionsJSON
>;
type RequestOf<Op extends OperationId> = WithPublicKey<
  Answer<Op>,
  PublicKeyCredentialRequestOptionsJSON
>;
type WithCredential<Op extends OperationId, Credential> = Omit<Body<Op>, 'credential'> & {
  credential: Credential;
};
type Registration<Op extends OperationId> = WithCredential<Op, RegistrationResponseJSON>;
type Assertion<Op extends OperationId> = WithCredential<Op, AuthenticationResponseJSON>;

export type CreationCeremony = CreationOf<'startSignUp'>;
export type RequestCeremony = RequestOf<'startSignIn'>;
/** A creation ceremony for an enrollment link, with whose account the passkey will open. */
export type EnrollmentCeremony = CreationOf<'startEnrollment'>;

export type Passkey = Schemas['PasskeyOut'];
/** How a passkey came to the account: at sign-up, or by a one-time link of that purpose. */
export type PasskeyOrigin = NonNullable<Passkey['enrolledVia']>;

export type Activity = Schemas['ActivityOut'];
export type ActivityKind = Activity['kind'];

/** A citizen's account the desk found by phone or CCCD (numbers masked but the last three). */
export type AccountMatch = Schemas['AccountMatch'];
/** What the desk officer checked before issuing a recovery link. */
export type IdentityCheck = Schemas['IdentityCheck'];
export type DocumentType = IdentityCheck['documentType'];
/** A one-time link to add a passkey, and the same link as a QR code (SVG markup). */
export type PasskeyLink = Schemas['EnrollmentLink'];
export type Session = Schemas['SessionOut'];

const AUTH = '/api/v1/auth';
const ACCOUNT = '/api/v1/account';

export const fetchMe = () => apiCall<Answer<'getMe'>>('GET', `${AUTH}/me`);

export const startSignUp = (details: SignUpDetails) =>
  apiCall<CreationCeremony>('POST', `${AUTH}/sign-up/options`, details);

export function finishSignUp(ceremonyId: string, credential: RegistrationResponseJSON) {
  const result: Registration<'finishSignUp'> = { ceremonyId, credential };
  return apiCall<Answer<'finishSignUp'>>('POST', `${AUTH}/sign-up/verify`, result);
}

export const startSignIn = () => apiCall<RequestCeremony>('POST', `${AUTH}/sign-in/options`, {});

export function finishSignIn(ceremonyId: string, credential: AuthenticationResponseJSON) {
  const result: Assertion<'finishSignIn'> = { ceremonyId, credential };
  return apiCall<Answer<'finishSignIn'>>('POST', `${AUTH}/sign-in/verify`, result);
}

export const signOut = () => apiCall<Answer<'signOut'>>('POST', `${AUTH}/sign-out`);

export function redeemRecoveryCode(code: string) {
  const redemption: Body<'redeemRecoveryCode'> = { code };
  return apiCall<Answer<'redeemRecoveryCode'>>(
    'POST',
    `${AUTH}/recovery-codes/redeem`,
    redemption,
  );
}

export function startEnrollment(token: string) {
  const request: Body<'startEnrollment'> = { token };
  return apiCall<EnrollmentCeremony>('POST', `${AUTH}/enrollment/options`, request);
}

export function finishEnrollment(
  token: string,
  ceremonyId: string,
  credential: RegistrationResponseJSON,
) {
  const result: Registration<'finishEnrollment'> = { token, ceremonyId, credential };
  return apiCall<Answer<'finishEnrollment'>>('POST', `${AUTH}/enrollment/verify`, result);
}

export const fetchPasskeys = () => apiCall<Answer<'listPasskeys'>>('GET', `${ACCOUNT}/passkeys`);

export const removePasskey = (id: string) =>
  apiCall<Answer<'removePasskey'>>('DELETE', `${ACCOUNT}/passkeys/${encodeURIComponent(id)}`);

export const createPasskeyLink = () =>
  apiCall<Answer<'createPasskeyLink'>>('POST', `${ACCOUNT}/passkey-links`);

export const fetchSessions = () => apiCall<Answer<'listSessions'>>('GET', `${ACCOUNT}/sessions`);

export const revokeSession = (id: string) =>
  apiCall<Answer<'revokeSession'>>('DELETE', `${ACCOUNT}/sessions/${encodeURIComponent(id)}`);

export const signOutEverywhere = () =>
  apiCall<Answer<'signOutEverywhere'>>('POST', `${ACCOUNT}/sign-out-everywhere`);

export const createRecoveryCodes = () =>
  apiCall<Answer<'generateRecoveryCodes'>>('POST', `${ACCOUNT}/recovery-codes`);

export const startReverification = () =>
  apiCall<RequestOf<'startReverification'>>('POST', `${ACCOUNT}/verification/options`, {});

export function finishReverification(ceremonyId: string, credential: AuthenticationResponseJSON) {
  const result: Assertion<'finishReverification'> = { ceremonyId, credential };
  return apiCall<Answer<'finishReverification'>>(
    'POST',
    `${ACCOUNT}/verification/verify`,
    result,
  );
}

export const fetchActivity = () =>
  apiCall<Answer<'listAccountActivity'>>('GET', `${ACCOUNT}/activity`);

const DESK = '/api/v1/desk/accounts';

/** Look a citizen up by a mobile number or a CCCD number (the look-up is audited). */
export function findAccountsAtDesk(query: { phone: string } | { cccd: string }) {
  return apiCall<Answer<'findAccountsAtDesk'>>(
    'GET',
    `${DESK}?${new URLSearchParams(query).toString()}`,
  );
}

export const issueDeskRecovery = (accountId: string, check: Body<'issueDeskRecovery'>) =>
  apiCall<Answer<'issueDeskRecovery'>>(
    'POST',
    `${DESK}/${encodeURIComponent(accountId)}/recovery`,
    check,
  );

export const recordCccdAtDesk = (accountId: string, record: Body<'recordCccdAtDesk'>) =>
  apiCall<Answer<'recordCccdAtDesk'>>(
    'POST',
    `${DESK}/${encodeURIComponent(accountId)}/cccd`,
    record,
  );
