import { describe, expect, it } from 'vitest';
import { shouldInviteToInstall } from './install-invitation';

const IPHONE_SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const IPAD_DESKTOP_SAFARI =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';
const IPHONE_CHROME =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1';
const IPHONE_ZALO =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Zalo iOS/24.06.01';
const ANDROID_CHROME =
  'Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36';

describe('shouldInviteToInstall', () => {
  it.each([
    ['Safari on iPhone, in a tab', IPHONE_SAFARI, 5, false, true],
    ['Safari on iPhone, installed', IPHONE_SAFARI, 5, true, false],
    ['Safari on iPad asking for the desktop site', IPAD_DESKTOP_SAFARI, 5, false, true],
    ['Safari on a Mac', IPAD_DESKTOP_SAFARI, 0, false, false],
    ['Chrome on iPhone', IPHONE_CHROME, 5, false, false],
    ["Zalo's in-app browser", IPHONE_ZALO, 5, false, false],
    ['Chrome on Android', ANDROID_CHROME, 5, false, false],
  ])('%s', (_, userAgent, maxTouchPoints, isStandalone, expected) => {
    expect(shouldInviteToInstall({ userAgent, maxTouchPoints, isStandalone })).toBe(expected);
  });
});
