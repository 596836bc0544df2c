// MotCua's service worker: precaches the app shell so the PWA opens without a network, and
// answers every page navigation with the precached index.html (the catalogue itself lives in
// IndexedDB). Built by scripts/build-sw.mjs; Workbox injects the precache manifest.
// A new version installs and waits until the page asks it to take over (the reload prompt).
// The operator's kill switch replaces /sw.js on the server with a worker that retires this one.
import { cacheNames, clientsClaim, setCacheNameDetails } from 'workbox-core';
import {
  type PrecacheEntry,
  cleanupOutdatedCaches,
  createHandlerBoundToURL,
  precacheAndRoute,
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (PrecacheEntry | string)[] };

// Bump when the caches' layout changes: activation then deletes every cache of older versions.
// Files themselves need no bump; the precache manifest revisions each one.
const CACHE_VERSION = 'v1';

setCacheNameDetails({ prefix: 'motcua', precache: 'shell', suffix: CACHE_VERSION });

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

registerRoute(
  new NavigationRoute(createHandlerBoundToURL('/index.html'), {
    denylist: [/^\/api(\/|$)/],
  }),
);

self.addEventListener('activate', (event) => {
  const isOutdated = (key: string) => key.startsWith('motcua-') && key !== cacheNames.precache;
  event.waitUntil(
    caches.keys().then((keys) => Promise.all(keys.filter(isOutdated).map((k) => caches.delete(k)))),
  );
});

// The first worker controls the page it was installed from, so a first visit already works
// offline; later versions wait for the user (see the message handler).
clientsClaim();

self.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});
