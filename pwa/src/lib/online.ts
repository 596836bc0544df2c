import { signal } from '@preact/signals';

/** Whether the browser believes it has a network; kept current by its online/offline events. */
export const isOnline = signal(navigator.onLine);

addEventListener('online', () => (isOnline.value = true));
addEventListener('offline', () => (isOnline.value = false));
