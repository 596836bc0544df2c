import type { CatalogueFilters } from './search';

export interface ListParams extends CatalogueFilters {
  q?: string;
}

/** The procedure list's address; its query string holds the search and the filters. */
export function proceduresUrl(params: ListParams = {}): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value) query.set(name, value);
  const search = query.toString();
  return search ? `/procedures?${search}` : '/procedures';
}

export const procedureUrl = (code: string): string => `/procedures/${encodeURIComponent(code)}`;
