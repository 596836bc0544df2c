// Offline catalogue search with the server's rules (backend/features/catalogue/repository.py):
// every query word must occur in the procedure's folded code, names, sector and agency; the
// whole query inside the name ranks first, every word in the name next, other matches last;
// ties go by code.
import type { AgencyLevel, OnlineLevel, Procedure } from '../../api/types';
import { fold, terms } from '../../lib/fold';

export interface CatalogueFilters {
  sector?: string;
  level?: AgencyLevel;
  online?: OnlineLevel;
}

export interface SearchEntry {
  procedure: Procedure;
  nameKey: string;
  searchKey: string;
}

const RANK_NAME_PHRASE = 0;
const RANK_NAME_WORDS = 1;
const RANK_OTHER = 2;

/** Folds each procedure once, so typing a query does not refold the catalogue. */
export function indexCatalogue(procedures: readonly Procedure[]): SearchEntry[] {
  return procedures.map((procedure) => {
    const { code, name, nameEn, sector, agencyName } = procedure;
    const searchable = [code, name, nameEn, sector.name, sector.nameEn, agencyName];
    return {
      procedure,
      nameKey: fold(name),
      searchKey: fold(searchable.filter(Boolean).join(' ')),
    };
  });
}

export function searchCatalogue(
  entries: readonly SearchEntry[],
  query: string,
  { sector, level, online }: CatalogueFilters = {},
): Procedure[] {
  const words = terms(query);
  const phrase = words.join(' ');
  const rankOf = ({ nameKey }: SearchEntry): number => {
    if (nameKey.includes(phrase)) return RANK_NAME_PHRASE;
    return words.every((word) => nameKey.includes(word)) ? RANK_NAME_WORDS : RANK_OTHER;
  };
  return entries
    .filter(
      ({ procedure, searchKey }) =>
        (!sector || procedure.sector.code === sector) &&
        (!level || procedure.agencyLevel === level) &&
        (!online || procedure.onlineLevel === online) &&
        words.every((word) => searchKey.includes(word)),
    )
    .map((entry) => ({ procedure: entry.procedure, rank: rankOf(entry) }))
    .sort((a, b) => a.rank - b.rank || compareCodes(a.procedure.code, b.procedure.code))
    .map(({ procedure }) => procedure);
}

function compareCodes(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
