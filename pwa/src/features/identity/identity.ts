// Who is signed in on this device. The last identity the server confirmed is kept in
// localStorage so the app keeps working offline (and after a reload) with it; the server is
// asked again on launch and whenever the network returns. A 401 while an identity is kept means
// the session expired: the identity and its local data stay, and the user is asked to sign in.
import { signal } from '@preact/signals';
import { ApiError, onUnauthorized } from '../../api/client';
import { fetchMe, type Me } from '../../api/identity';
import { closeAccountDb } from '../../db/account-db';

const STORAGE_KEY = 'motcua.identity';

function parseIdentity(stored: string | null): Me | null {
  if (!stored) return null;
  try {
    const me = JSON.parse(stored) as Partial<Me> | null;
    return typeof me?.id === 'string' && typeof me.fullName === 'string' ? (me as Me) : null;
  } catch {
    return null;
  }
}

function storedIdentity(): Me | null {
  try {
    return parseIdentity(localStorage.getItem(STORAGE_KEY));
  } catch {
    return null; // storage blocked: signed in for this visit only
  }
}

/** The signed-in account, or the last one the server confirmed while it cannot be asked. */
export const currentIdentity = signal<Me | null>(storedIdentity());

/** The server refused the session of the kept identity: it must sign in again. */
export const isSessionExpired = signal(false);

function store(me: Me | null): void {
  try {
    if (me) localStorage.setItem(STORAGE_KEY, JSON.stringify(me));
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Not remembered on this device; this visit still knows.
  }
}

/** The server has just said who is signed in (sign-up, sign-in, enrollment, /auth/me). */
export function adoptIdentity(me: Me): void {
  if (currentIdentity.value?.id !== me.id) closeAccountDb();
  currentIdentity.value = me;
  isSessionExpired.value = false;
  store(me);
}

/** Signed out: forget the identity. The account's database stays for its next sign-in. */
export function forgetIdentity(): void {
  closeAccountDb();
  currentIdentity.value = null;
  isSessionExpired.value = false;
  store(null);
}

function markExpired(): void {
  if (currentIdentity.value) isSessionExpired.value = true;
}

/** Ask the server who is signed in. Without a network the kept identity stays as it is. */
export async function refreshIdentity(): Promise<void> {
  try {
    adoptIdentity(await fetchMe());
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) markExpired();
    // Otherwise offline or the server failed: keep what we know.
  }
}

/** Refresh now and each time the device comes back online; follow other tabs. */
export function startIdentity(): void {
  onUnauthorized(markExpired);
  if (navigator.onLine) void refreshIdentity();
  addEventListener('online', () => void refreshIdentity());
  addEventListener('storage', (event) => {
    if (event.key !== STORAGE_KEY) return;
    const me = parseIdentity(event.newValue);
    if (currentIdentity.value?.id !== me?.id) closeAccountDb();
    currentIdentity.value = me;
    isSessionExpired.value = false;
  });
}
