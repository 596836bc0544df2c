import { describe, expect, it } from 'vitest';
import {
  base64UrlToBytes,
  bytesToBase64Url,
  creationOptionsFromJSON,
  requestOptionsFromJSON,
} from './webauthn';

describe('base64url', () => {
  it.each([[[]], [[0]], [[0xfb, 0xff]], [[1, 2, 3]], [[0xfa, 0xfb, 0xfc, 0xfd]]])(
    'round-trips %j without padding',
    (bytes) => {
      const text = bytesToBase64Url(new Uint8Array(bytes));
      expect(text).not.toMatch(/[+/=]/);
      expect([...base64UrlToBytes(text)]).toEqual(bytes);
    },
  );

  it('reads the URL-safe alphabet', () => {
    expect([...base64UrlToBytes('-_8')]).toEqual([0xfb, 0xff]);
  });
});

describe('options from JSON (for browsers without parse*FromJSON)', () => {
  it('decodes the challenge, the user id and the excluded credentials', () => {
    const options = creationOptionsFromJSON({
      rp: { id: 'localhost', name: 'MotCua' },
      user: { id: 'AQID', name: '0912345678', displayName: 'Nguyễn Thị Lan' },
      challenge: 'BAUG',
      pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
      excludeCredentials: [{ type: 'public-key', id: 'Bwg', transports: ['internal'] }],
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    });
    expect([...(options.challenge as Uint8Array)]).toEqual([4, 5, 6]);
    expect([...(options.user.id as Uint8Array)]).toEqual([1, 2, 3]);
    expect(options.user.displayName).toBe('Nguyễn Thị Lan');
    expect([...(options.excludeCredentials?.[0]?.id as Uint8Array)]).toEqual([7, 8]);
    expect(options.authenticatorSelection?.residentKey).toBe('required');
  });

  it('keeps an empty allow list empty (discoverable credentials)', () => {
    const options = requestOptionsFromJSON({
      challenge: 'BAUG',
      rpId: 'localhost',
      allowCredentials: [],
      userVerification: 'required',
    });
    expect(options.allowCredentials).toEqual([]);
    expect(options.userVerification).toBe('required');
  });
});
