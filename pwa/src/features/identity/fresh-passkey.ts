// Sensitive account changes (adding or removing a passkey, a link to add one, new recovery
// codes) need the passkey again: the server refuses them with `fresh-passkey-required` unless
// the session re-verified in the last five minutes. The account page answers that refusal by
// running the re-verification ceremony — one passkey prompt — and asking once more.

/** The problem type of that refusal (backend/features/identity/service.py). */
export const FRESH_PASSKEY_REQUIRED = 'urn:motcua:problem:fresh-passkey-required';

/** Whether a refusal is the server asking for the passkey again. */
export function asksForFreshPasskey(status: number, problemType: string | undefined): boolean {
  return status === 403 && problemType === FRESH_PASSKEY_REQUIRED;
}

/**
 * Run `change`; when it is refused because the session needs the passkey again (`needsPasskey`),
 * run `reverify` once and try the change once more. Any other refusal, a failed or cancelled
 * ceremony, and a second refusal reach the caller as they are.
 */
export async function withFreshPasskeyRetry<T>(
  change: () => Promise<T>,
  needsPasskey: (error: unknown) => boolean,
  reverify: () => Promise<void>,
): Promise<T> {
  try {
    return await change();
  } catch (error) {
    if (!needsPasskey(error)) throw error;
  }
  await reverify();
  return change();
}
