// Registers the service worker at /sw.js (scope /). An update installs in the background and
// waits; the page offers a reload, and only then does the new worker take over.
// The name /sw.js is fixed: the server's kill switch answers it with a self-retiring worker.
import { signal } from '@preact/signals';
import type { Workbox } from 'workbox-window';

export const isUpdateWaiting = signal(false);

let workbox: Workbox | undefined;

export async function registerServiceWorker(): Promise<void> {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  const { Workbox } = await import('workbox-window');
  workbox = new Workbox('/sw.js', { scope: '/' });
  workbox.addEventListener('waiting', () => (isUpdateWaiting.value = true));
  await workbox.register();
}

/** Let the waiting worker take over, then reload so the page runs the new version. */
export function applyUpdate(): void {
  if (!workbox) return;
  workbox.addEventListener('controlling', () => location.reload());
  workbox.messageSkipWaiting();
}
