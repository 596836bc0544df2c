import { ApiError } from '../../api/client';
import { finishReverification, startReverification } from '../../api/identity';
import { asksForFreshPasskey, withFreshPasskeyRetry } from './fresh-passkey';
import { getPasskey } from './webauthn';

/** The re-verification ceremony: one of the account's passkeys, user-verified, for this
 * session (the server lists the account's passkeys, so no other account's can answer). */
export async function reverify(): Promise<void> {
  const { ceremonyId, publicKey } = await startReverification();
  const credential = await getPasskey(publicKey);
  await finishReverification(ceremonyId, credential);
}

/** Make a sensitive change, confirming with the passkey first when the server asks for it. */
export function withFreshPasskey<T>(change: () => Promise<T>): Promise<T> {
  return withFreshPasskeyRetry(
    change,
    (error) => error instanceof ApiError && asksForFreshPasskey(error.status, error.problem?.type),
    reverify,
  );
}
