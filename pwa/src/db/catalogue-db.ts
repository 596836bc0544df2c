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

/** The province or one of its communes (2025 two-level divisions), as the API lists them. */
export interface AdministrativeUnit {
  code: string;
  name: string;
  level: 'province' | 'commune';
  parentCode?: string;
  kind?: string;
}

export type CatalogueDb = Dexie & {
  procedures: EntityTable<Procedure, 'code'>;
  sectors: EntityTable<Sector, 'code'>;
  units: EntityTable<AdministrativeUnit, 'code'>;
  state: EntityTable<CatalogueState, 'key'>;
};

export const catalogueDb = new Dexie('motcua-catalogue') as CatalogueDb;

catalogueDb.version(1).stores({
  procedures: 'code',
  sectors: 'code',
  state: 'key',
});
// The province's communes, for address fields filled in offline.
catalogueDb.version(2).stores({
  units: 'code',
});

export interface CatalogueCopy {
  procedures: Procedure[];
  sectors: Sector[];
  units: AdministrativeUnit[];
  etag: string | null;
}

/** Replace the stored catalogue with a complete new copy, all at once. */
export async function storeCatalogue(copy: CatalogueCopy): Promise<void> {
  const { procedures, sectors, units, state } = catalogueDb;
  await catalogueDb.transaction('rw', [procedures, sectors, units, state], async () => {
    await Promise.all([procedures.clear(), sectors.clear(), units.clear()]);
    await Promise.all([
      procedures.bulkPut(copy.procedures),
      sectors.bulkPut(copy.sectors),
      units.bulkPut(copy.units),
    ]);
    await state.put({ key: 'catalogue', etag: copy.etag, checkedAt: new Date().toISOString() });
  });
}

/** Replace the stored administrative units alone (a copy taken before they were kept). */
export async function storeUnits(units: AdministrativeUnit[]): Promise<void> {
  await catalogueDb.transaction('rw', catalogueDb.units, async () => {
    await catalogueDb.units.clear();
    await catalogueDb.units.bulkPut(units);
  });
}

/** The province's communes on the device, in Vietnamese alphabetical order. */
export async function findCommunes(): Promise<AdministrativeUnit[]> {
  const communes = (await catalogueDb.units.toArray()).filter((unit) => unit.level === 'commune');
  return communes.sort((a, b) => a.name.localeCompare(b.name, 'vi'));
}

export async function findCatalogueState(): Promise<CatalogueState | undefined> {
  return catalogueDb.state.get('catalogue');
}

export async function markCatalogueChecked(state: CatalogueState): Promise<void> {
  await catalogueDb.state.put({ ...state, checkedAt: new Date().toISOString() });
}
