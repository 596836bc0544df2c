// Keeps the device's copy of the catalogue current: on launch and whenever the network returns,
// ask whether page 1 changed (If-None-Match); if it did, take a complete new copy. The copy
// includes the province's communes, which application forms need offline for addresses.
import { signal } from '@preact/signals';
import { apiGet } from '../../api/client';
import { fetchProcedurePage, fetchSectors } from '../../api/catalogue';
import type { Answer } from '../../api/operations';
import type { Procedure } from '../../api/types';
import {
  type AdministrativeUnit,
  catalogueDb,
  findCatalogueState,
  markCatalogueChecked,
  storeCatalogue,
  storeUnits,
} from '../../db/catalogue-db';
import { isOnline } from '../../lib/online';

export type CatalogueSync =
  | { status: 'idle' }
  | { status: 'loading' }
  /** `detail` is the server's explanation (in the UI language); absent when unreachable. */
  | { status: 'failed'; detail?: string };

export const catalogueSync = signal<CatalogueSync>({ status: 'idle' });

let running: Promise<void> | undefined;

/** Refresh the stored catalogue; concurrent calls share one run. */
export function refreshCatalogue(): Promise<void> {
  running ??= copyCatalogue().finally(() => (running = undefined));
  return running;
}

/** Refresh now and each time the device comes back online. */
export function startCatalogueSync(): void {
  if (isOnline.value) void refreshCatalogue();
  addEventListener('online', () => void refreshCatalogue());
}

async function copyCatalogue(): Promise<void> {
  catalogueSync.value = { status: 'loading' };
  try {
    const state = await findCatalogueState();
    const first = await fetchProcedurePage(undefined, state?.etag ?? undefined);
    if (first === 'not-modified') {
      // A copy taken by an earlier version of the app has no communes yet.
      if ((await catalogueDb.units.count()) === 0) await storeUnits(await fetchUnits());
      if (state) await markCatalogueChecked(state);
    } else {
      const procedures: Procedure[] = [...first.page.items];
      for (let cursor = first.page.nextCursor; cursor;) {
        const next = await fetchProcedurePage(cursor);
        if (next === 'not-modified') throw new Error('304 to a request without If-None-Match');
        procedures.push(...next.page.items);
        cursor = next.page.nextCursor;
      }
      const [sectors, units] = await Promise.all([fetchSectors(), fetchUnits()]);
      await storeCatalogue({ procedures, sectors, units, etag: first.etag });
      // Ask the browser not to evict the catalogue under storage pressure; it may say no.
      void navigator.storage?.persist?.();
    }
    catalogueSync.value = { status: 'idle' };
  } catch (error) {
    catalogueSync.value = { status: 'failed', detail: explain(error) };
  }
}

/** The province and its communes in force today, as the device keeps them (without the parts
 * a unit has none of, which the API may send as null). */
async function fetchUnits(): Promise<AdministrativeUnit[]> {
  const response = await apiGet('/api/v1/administrative-units');
  const units = (await response.json()) as Answer<'listAdministrativeUnits'>;
  return units.map(({ parentCode, kind, ...unit }) => ({
    ...unit,
    ...(parentCode != null ? { parentCode } : {}),
    ...(kind != null ? { kind } : {}),
  }));
}

function explain(error: unknown): string | undefined {
  if (error instanceof TypeError) return undefined; // how fetch fails when there is no network
  return error instanceof Error ? error.message : String(error);
}
