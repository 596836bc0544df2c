export const SIGN_UP_PATH = '/sign-up';
export const SIGN_IN_PATH = '/sign-in';
export const ACCOUNT_PATH = '/account';
export const ENROLL_PATH = '/enroll';
/** The desk's account recovery, in the staff area. */
export const DESK_RECOVERY_PATH = '/work/recovery';

/** Where to go after signing in: a `next` path of this app, or the home page. */
export function pathAfterSignIn(next: string | undefined): string {
  return next?.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}

/** The sign-in page, returning to `url` afterwards (except to the identity pages themselves). */
export function signInUrl(url: string): string {
  const path = url.split(/[?#]/)[0] ?? '/';
  const isIdentityPage = [SIGN_UP_PATH, SIGN_IN_PATH, ENROLL_PATH].includes(path);
  return path === '/' || isIdentityPage
    ? SIGN_IN_PATH
    : `${SIGN_IN_PATH}?next=${encodeURIComponent(url)}`;
}

/** An enrollment link: the token rides in the fragment, which never reaches a server's logs. */
export function enrollUrl(token: string): string {
  return `${ENROLL_PATH}#token=${encodeURIComponent(token)}`;
}

/** The enrollment token in a location's fragment (`#token=...`), or null. */
export function enrollmentTokenOf(hash: string): string | null {
  return new URLSearchParams(hash.replace(/^#/, '')).get('token') || null;
}
