import { describe, expect, it, vi } from 'vitest';
import {
  asksForFreshPasskey,
  FRESH_PASSKEY_REQUIRED,
  withFreshPasskeyRetry,
} from './fresh-passkey';

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
  ) {
    super(type);
  }
}

const needsPasskey = (error: unknown) =>
  error instanceof Refusal && asksForFreshPasskey(error.status, error.type);

describe('asksForFreshPasskey', () => {
  it('is the 403 of that problem type only', () => {
    expect(asksForFreshPasskey(403, FRESH_PASSKEY_REQUIRED)).toBe(true);
    expect(asksForFreshPasskey(403, 'urn:motcua:problem:passkey-restricted')).toBe(false);
    expect(asksForFreshPasskey(401, FRESH_PASSKEY_REQUIRED)).toBe(false);
    expect(asksForFreshPasskey(403, undefined)).toBe(false);
  });
});

describe('withFreshPasskeyRetry', () => {
  it('does not ask for the passkey when the change goes through', async () => {
    const reverify = vi.fn(async () => {});
    await expect(withFreshPasskeyRetry(async () => 'done', needsPasskey, reverify)).resolves.toBe(
      'done',
    );
    expect(reverify).not.toHaveBeenCalled();
  });

  it('re-verifies once and asks again when the server wants the passkey', async () => {
    const change = vi
      .fn<() => Promise<string>>()
      .mockRejectedValueOnce(new Refusal(403, FRESH_PASSKEY_REQUIRED))
      .mockResolvedValueOnce('done');
    const reverify = vi.fn(async () => {});
    await expect(withFreshPasskeyRetry(change, needsPasskey, reverify)).resolves.toBe('done');
    expect(reverify).toHaveBeenCalledTimes(1);
    expect(change).toHaveBeenCalledTimes(2);
  });

  it('passes any other refusal on without a passkey prompt', async () => {
    const restricted = new Refusal(403, 'urn:motcua:problem:passkey-restricted');
    const reverify = vi.fn(async () => {});
    await expect(
      withFreshPasskeyRetry(() => Promise.reject(restricted), needsPasskey, reverify),
    ).rejects.toBe(restricted);
    expect(reverify).not.toHaveBeenCalled();
  });

  it('stops when the ceremony fails, and after one retry', async () => {
    const change = vi.fn(() => Promise.reject(new Refusal(403, FRESH_PASSKEY_REQUIRED)));
    const cancelled = new Error('cancelled');
    await expect(
      withFreshPasskeyRetry(change, needsPasskey, () => Promise.reject(cancelled)),
    ).rejects.toBe(cancelled);
    expect(change).toHaveBeenCalledTimes(1);

    change.mockClear();
    await expect(
      withFreshPasskeyRetry(change, needsPasskey, async () => {}),
    ).rejects.toBeInstanceOf(Refusal);
    expect(change).toHaveBeenCalledTimes(2);
  });
});
