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

export interface Passkey {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt?: string;
  /** Whether the passkey is synced to a cloud account (and survives losing the phone). */
  backedUp: boolean;
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
