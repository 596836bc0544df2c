import { useMemo } from 'preact/hooks';
import type { Procedure, Sector } from '../../api/types';
import { catalogueDb, findCatalogueState } from '../../db/catalogue-db';
import { type LiveResult, useLiveQuery } from '../../db/useLiveQuery';
import { indexCatalogue, type SearchEntry } from './search';

/** The stored catalogue, folded for search; undefined until IndexedDB has answered. */
export function useCatalogueIndex(): SearchEntry[] | undefined {
  const procedures = useLiveQuery(() => catalogueDb.procedures.toArray(), []);
  return useMemo(
    () => (procedures.isLoaded ? indexCatalogue(procedures.value) : undefined),
    [procedures],
  );
}

export function useSectors(): LiveResult<Sector[]> {
  return useLiveQuery(() => catalogueDb.sectors.toArray(), []);
}

export function useProcedure(code: string): LiveResult<Procedure | undefined> {
  return useLiveQuery(() => catalogueDb.procedures.get(code), [code]);
}

/** When the stored copy was last confirmed by the server; null when there is no copy yet. */
export function useCatalogueCheckedAt(): LiveResult<Date | null> {
  const state = useLiveQuery(findCatalogueState, []);
  return useMemo(
    () =>
      state.isLoaded
        ? { isLoaded: true, value: state.value ? new Date(state.value.checkedAt) : null }
        : state,
    [state],
  );
}
