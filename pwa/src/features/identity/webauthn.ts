// The browser side of the passkey ceremonies. Options arrive as WebAuthn JSON and answers leave
// as WebAuthn JSON: the browser's own parse*FromJSON and toJSON() when it has them (Chromium,
// Firefox, Safari 18.4+), a small base64url fallback for the older Safari still in use.

/** Why a ceremony did not produce a credential, for a message the user understands. */
export type PasskeyFailure =
  | 'unsupported' // no WebAuthn in this browser
  | 'cancelled' // dismissed, timed out, or no passkey chosen (browsers do not say which)
  | 'exists' // this authenticator already holds a passkey of the account
  | 'insecure' // the page is not on the relying party's origin
  | 'aborted' // the page itself stopped the request
  | 'other';

export class PasskeyError extends Error {
  constructor(
    readonly failure: PasskeyFailure,
    cause?: unknown,
  ) {
    super(`passkey ceremony failed: ${failure}`, { cause });
    this.name = 'PasskeyError';
  }
}

export function isPasskeySupported(): boolean {
  return typeof PublicKeyCredential === 'function' && 'credentials' in navigator;
}

/** Whether the browser offers passkeys in the autofill of a `username webauthn` field. */
export async function isAutofillAvailable(): Promise<boolean> {
  if (!isPasskeySupported() || !PublicKeyCredential.isConditionalMediationAvailable) return false;
  try {
    return await PublicKeyCredential.isConditionalMediationAvailable();
  } catch {
    return false;
  }
}

/** Create a passkey (sign-up, enrollment); resolves with the RegistrationResponseJSON. */
export async function createPasskey(
  options: PublicKeyCredentialCreationOptionsJSON,
): Promise<RegistrationResponseJSON> {
  if (!isPasskeySupported()) throw new PasskeyError('unsupported');
  const publicKey =
    typeof PublicKeyCredential.parseCreationOptionsFromJSON === 'function'
      ? PublicKeyCredential.parseCreationOptionsFromJSON(options)
      : creationOptionsFromJSON(options);
  const credential = await ceremony(() => navigator.credentials.create({ publicKey }));
  return registrationToJSON(credential);
}

/**
 * Use a passkey (sign-in). `mediation: 'conditional'` waits for the user to pick a passkey in
 * the autofill of a `username webauthn` field; abort it with `signal` before starting another.
 */
export async function getPasskey(
  options: PublicKeyCredentialRequestOptionsJSON,
  { mediation, signal }: { mediation?: CredentialMediationRequirement; signal?: AbortSignal } = {},
): Promise<AuthenticationResponseJSON> {
  if (!isPasskeySupported()) throw new PasskeyError('unsupported');
  const publicKey =
    typeof PublicKeyCredential.parseRequestOptionsFromJSON === 'function'
      ? PublicKeyCredential.parseRequestOptionsFromJSON(options)
      : requestOptionsFromJSON(options);
  const request: CredentialRequestOptions = { publicKey };
  if (mediation) request.mediation = mediation;
  if (signal) request.signal = signal;
  const credential = await ceremony(() => navigator.credentials.get(request));
  return authenticationToJSON(credential);
}

async function ceremony(run: () => Promise<Credential | null>): Promise<PublicKeyCredential> {
  let credential: Credential | null;
  try {
    credential = await run();
  } catch (error) {
    throw new PasskeyError(failureOf(error), error);
  }
  if (!(credential instanceof PublicKeyCredential)) throw new PasskeyError('cancelled');
  return credential;
}

function failureOf(error: unknown): PasskeyFailure {
  if (!(error instanceof DOMException)) return 'other';
  switch (error.name) {
    case 'NotAllowedError':
      return 'cancelled';
    case 'InvalidStateError':
      return 'exists';
    case 'SecurityError':
      return 'insecure';
    case 'AbortError':
      return 'aborted';
    case 'NotSupportedError':
      return 'unsupported';
    default:
      return 'other';
  }
}

// The fallback: WebAuthn JSON carries binary values as unpadded base64url.

export function base64UrlToBytes(text: string): Uint8Array<ArrayBuffer> {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '='));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

export function bytesToBase64Url(bytes: ArrayBuffer | ArrayBufferView): string {
  const view =
    bytes instanceof ArrayBuffer
      ? new Uint8Array(bytes)
      : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let binary = '';
  for (const byte of view) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const descriptor = (d: PublicKeyCredentialDescriptorJSON): PublicKeyCredentialDescriptor => ({
  type: d.type as PublicKeyCredentialType,
  id: base64UrlToBytes(d.id),
  ...(d.transports && { transports: d.transports as AuthenticatorTransport[] }),
});

export function creationOptionsFromJSON(
  json: PublicKeyCredentialCreationOptionsJSON,
): PublicKeyCredentialCreationOptions {
  // Extensions' JSON forms differ from their binary forms; none of ours needs them.
  const { challenge, user, excludeCredentials, extensions: _extensions, ...rest } = json;
  return {
    ...(rest as Omit<PublicKeyCredentialCreationOptions, 'challenge' | 'user'>),
    challenge: base64UrlToBytes(challenge),
    user: { ...user, id: base64UrlToBytes(user.id) },
    ...(excludeCredentials && { excludeCredentials: excludeCredentials.map(descriptor) }),
  };
}

export function requestOptionsFromJSON(
  json: PublicKeyCredentialRequestOptionsJSON,
): PublicKeyCredentialRequestOptions {
  const { challenge, allowCredentials, extensions: _extensions, ...rest } = json;
  return {
    ...(rest as Omit<PublicKeyCredentialRequestOptions, 'challenge'>),
    challenge: base64UrlToBytes(challenge),
    ...(allowCredentials && { allowCredentials: allowCredentials.map(descriptor) }),
  };
}

function hasToJSON(credential: PublicKeyCredential): boolean {
  return typeof (credential as Partial<PublicKeyCredential>).toJSON === 'function';
}

/** We ask for no extension with binary outputs (only credProps), so the results are JSON. */
function extensionResults(
  credential: PublicKeyCredential,
): AuthenticationExtensionsClientOutputsJSON {
  return credential.getClientExtensionResults() as AuthenticationExtensionsClientOutputsJSON;
}

function registrationToJSON(credential: PublicKeyCredential): RegistrationResponseJSON {
  if (hasToJSON(credential)) return credential.toJSON() as RegistrationResponseJSON;
  const response = credential.response as AuthenticatorAttestationResponse;
  return {
    id: credential.id,
    rawId: bytesToBase64Url(credential.rawId),
    type: credential.type,
    response: {
      clientDataJSON: bytesToBase64Url(response.clientDataJSON),
      attestationObject: bytesToBase64Url(response.attestationObject),
      authenticatorData: bytesToBase64Url(response.getAuthenticatorData()),
      publicKeyAlgorithm: response.getPublicKeyAlgorithm(),
      transports: response.getTransports?.() ?? [],
    },
    ...(credential.authenticatorAttachment && {
      authenticatorAttachment: credential.authenticatorAttachment,
    }),
    clientExtensionResults: extensionResults(credential),
  };
}

function authenticationToJSON(credential: PublicKeyCredential): AuthenticationResponseJSON {
  if (hasToJSON(credential)) return credential.toJSON() as AuthenticationResponseJSON;
  const response = credential.response as AuthenticatorAssertionResponse;
  return {
    id: credential.id,
    rawId: bytesToBase64Url(credential.rawId),
    type: credential.type,
    response: {
      clientDataJSON: bytesToBase64Url(response.clientDataJSON),
      authenticatorData: bytesToBase64Url(response.authenticatorData),
      signature: bytesToBase64Url(response.signature),
      ...(response.userHandle && { userHandle: bytesToBase64Url(response.userHandle) }),
    },
    ...(credential.authenticatorAttachment && {
      authenticatorAttachment: credential.authenticatorAttachment,
    }),
    clientExtensionResults: extensionResults(credential),
  };
}
