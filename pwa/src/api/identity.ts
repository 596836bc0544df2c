// The identity API: passkey ceremonies, the signed-in account, its passkeys and sessions.
// Wire types written by hand to mirror backend/features/identity/schemas.py (camelCase).
import { apiCall } from './client';

export type RoleName = 'desk' | 'handler' | 'approver' | 'field' | 'postal' | 'admin';

export interface RoleAssignment {
  role: RoleName;
  agencyCode?: string;
  agencyName?: string;
  postalUnit?: string;
}

/** The signed-in account. */
export interface Me {
  id: string;
  kind: 'citizen' | 'staff';
  fullName: string;
  phone: string;
  email?: string;
  roles: RoleAssignment[];
}

export interface SignUpDetails {
  fullName: string;
  phone: string;
  email?: string;
  cccd?: string;
}

export interface CreationCeremony {
  ceremonyId: string;
  publicKey: PublicKeyCredentialCreationOptionsJSON;
}

export interface RequestCeremony {
  ceremonyId: string;
  publicKey: PublicKeyCredentialRequestOptionsJSON;
}

export interface EnrollmentCeremony extends CreationCeremony {
  /** Whose account the new passkey will open. */
  fullName: string;
}

/** How a passkey came to the account: at sign-up, or by a one-time link of that purpose. */
export type PasskeyOrigin =
  | 'sign_up'
  | 'add_passkey'
  | 'staff_enrollment'
  | 'desk_recovery'
  | 'recovery_code';

export interface Passkey {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt?: string;
  /** Whether the passkey is synced to a cloud account (and survives losing the phone). */
  backedUp: boolean;
  /** Absent for passkeys older than the record of it. */
  enrolledVia?: PasskeyOrigin;
  /** Until then this passkey (new, by a link or a recovery) cannot remove older passkeys or
   * replace the recovery codes. */
  restrictedUntil?: string;
  /** The passkey this session was opened or last re-verified with. Default false. */
  current?: boolean;
}

export type ActivityKind =
  | 'account_created'
  | 'signed_in'
  | 'signed_out_everywhere'
  | 'passkey_added'
  | 'passkey_removed'
  | 'passkey_link_created'
  | 'recovery_codes_replaced'
  | 'recovery_code_used'
  | 'desk_recovery_issued'
  | 'desk_recovery_refused'
  | 'cccd_recorded'
  | 'change_refused';

/** One identity event of the account, from the server's audit trail. */
export interface Activity {
  id: number;
  kind: ActivityKind;
  at: string;
  /** passkey_added: how the passkey came. */
  how?: PasskeyOrigin;
  agencyName?: string;
  agencyNameEn?: string;
  passkeyName?: string;
  userAgent?: string;
  /** change_refused: remove_older_passkey or replace_recovery_codes. */
  refused?: string;
}

/** A citizen's account the desk found by phone or CCCD (numbers masked but the last three). */
export interface AccountMatch {
  id: string;
  fullName: string;
  phoneMasked: string;
  cccdMasked?: string;
}

export type DocumentType = 'cccd' | 'vneid' | 'passport';

export interface IdentityCheck {
  documentType: DocumentType;
  /** The 12-digit personal identification number on the document: the account's CCCD. */
  documentNumber: string;
  note?: string;
}

export interface PasskeyLink {
  url: string;
  /** The link as a QR code, SVG markup made by the server. */
  qrSvg: string;
  expiresAt: string;
}

export interface Session {
  id: string;
  /** The session of this device. */
  current: boolean;
  createdAt: string;
  lastSeenAt: string;
  userAgent?: string;
}

const AUTH = '/api/v1/auth';
const ACCOUNT = '/api/v1/account';

export const fetchMe = () => apiCall<Me>('GET', `${AUTH}/me`);

export const startSignUp = (details: SignUpDetails) =>
  apiCall<CreationCeremony>('POST', `${AUTH}/sign-up/options`, details);

export const finishSignUp = (ceremonyId: string, credential: RegistrationResponseJSON) =>
  apiCall<Me>('POST', `${AUTH}/sign-up/verify`, { ceremonyId, credential });

export const startSignIn = () => apiCall<RequestCeremony>('POST', `${AUTH}/sign-in/options`, {});

export const finishSignIn = (ceremonyId: string, credential: AuthenticationResponseJSON) =>
  apiCall<Me>('POST', `${AUTH}/sign-in/verify`, { ceremonyId, credential });

export const signOut = () => apiCall<undefined>('POST', `${AUTH}/sign-out`);

export const redeemRecoveryCode = (code: string) =>
  apiCall<{ enrollmentToken: string }>('POST', `${AUTH}/recovery-codes/redeem`, { code });

export const startEnrollment = (token: string) =>
  apiCall<EnrollmentCeremony>('POST', `${AUTH}/enrollment/options`, { token });

export const finishEnrollment = (
  token: string,
  ceremonyId: string,
  credential: RegistrationResponseJSON,
) => apiCall<Me>('POST', `${AUTH}/enrollment/verify`, { token, ceremonyId, credential });

export const fetchPasskeys = () => apiCall<Passkey[]>('GET', `${ACCOUNT}/passkeys`);

export const removePasskey = (id: string) =>
  apiCall<undefined>('DELETE', `${ACCOUNT}/passkeys/${encodeURIComponent(id)}`);

export const createPasskeyLink = () => apiCall<PasskeyLink>('POST', `${ACCOUNT}/passkey-links`);

export const fetchSessions = () => apiCall<Session[]>('GET', `${ACCOUNT}/sessions`);

export const revokeSession = (id: string) =>
  apiCall<undefined>('DELETE', `${ACCOUNT}/sessions/${encodeURIComponent(id)}`);

export const signOutEverywhere = () =>
  apiCall<undefined>('POST', `${ACCOUNT}/sign-out-everywhere`);

export const createRecoveryCodes = () =>
  apiCall<{ codes: string[] }>('POST', `${ACCOUNT}/recovery-codes`);

export const startReverification = () =>
  apiCall<RequestCeremony>('POST', `${ACCOUNT}/verification/options`, {});

export const finishReverification = (ceremonyId: string, credential: AuthenticationResponseJSON) =>
  apiCall<{ verifiedAt: string; freshUntil: string }>('POST', `${ACCOUNT}/verification/verify`, {
    ceremonyId,
    credential,
  });

export const fetchActivity = () => apiCall<Activity[]>('GET', `${ACCOUNT}/activity`);

const DESK = '/api/v1/desk/accounts';

/** Look a citizen up by a mobile number or a CCCD number (the look-up is audited). */
export function findAccountsAtDesk(query: { phone: string } | { cccd: string }) {
  return apiCall<AccountMatch[]>('GET', `${DESK}?${new URLSearchParams(query).toString()}`);
}

export const issueDeskRecovery = (accountId: string, check: IdentityCheck) =>
  apiCall<PasskeyLink>('POST', `${DESK}/${encodeURIComponent(accountId)}/recovery`, check);

export const recordCccdAtDesk = (
  accountId: string,
  record: { cccd: string; attested: boolean; note?: string },
) => apiCall<AccountMatch>('POST', `${DESK}/${encodeURIComponent(accountId)}/cccd`, record);
