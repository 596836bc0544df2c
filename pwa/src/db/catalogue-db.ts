// The device's copy of the public catalogue. One database for everyone on the device: it holds
// nothing personal, unlike the per-account databases of later features.
import Dexie, { type EntityTable } from 'dexie';
import type { Procedure, Sector } from '../api/types';

export interface CatalogueState {
  key: 'catalogue';
  /** ETag of the first page of procedures when the copy was taken. */
  etag: string | null;
  /** When the server last confirmed the copy (ISO 8601). */
  checkedAt: string;
}

export type CatalogueDb = Dexie & {
  procedures: EntityTable<Procedure, 'code'>;
  sectors: EntityTable<Sector, 'code'>;
  state: EntityTable<CatalogueState, 'key'>;
};

export const catalogueDb = new Dexie('motcua-catalogue') as CatalogueDb;

catalogueDb.version(1).stores({
  procedures: 'code',
  sectors: 'code',
  state: 'key',
});

/** Replace the stored catalogue with a complete new copy, all at once. */
export async function storeCatalogue(
  procedures: Procedure[],
  sectors: Sector[],
  etag: string | null,
): Promise<void> {
  const { procedures: procedureTable, sectors: sectorTable, state } = catalogueDb;
  await catalogueDb.transaction('rw', procedureTable, sectorTable, state, async () => {
    await Promise.all([procedureTable.clear(), sectorTable.clear()]);
    await Promise.all([procedureTable.bulkPut(procedures), sectorTable.bulkPut(sectors)]);
    await state.put({ key: 'catalogue', etag, checkedAt: new Date().toISOString() });
  });
}

export async function findCatalogueState(): Promise<CatalogueState | undefined> {
  return catalogueDb.state.get('catalogue');
}

export async function markCatalogueChecked(state: CatalogueState): Promise<void> {
  await catalogueDb.state.put({ ...state, checkedAt: new Date().toISOString() });
}
