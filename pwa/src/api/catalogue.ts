import { apiGet } from './client';
import type { Answer } from './operations';

export const PAGE_SIZE = 100;

export type PageResult =
  | { page: Answer<'listProcedures'>; etag: string | null }
  | 'not-modified';

/** One page of the catalogue with every variant, for keeping a full copy on the device. */
export async function fetchProcedurePage(
  cursor?: string,
  ifNoneMatch?: string,
): Promise<PageResult> {
  const query = new URLSearchParams({ expand: 'variants', limit: String(PAGE_SIZE) });
  if (cursor) query.set('cursor', cursor);
  const response = await apiGet(`/api/v1/procedures?${query}`, { ifNoneMatch });
  if (response.status === 304) return 'not-modified';
  const page = (await response.json()) as Answer<'listProcedures'>;
  return { page, etag: response.headers.get('ETag') };
}

export async function fetchSectors(): Promise<Answer<'listSectors'>> {
  return (await (await apiGet('/api/v1/sectors')).json()) as Answer<'listSectors'>;
}
