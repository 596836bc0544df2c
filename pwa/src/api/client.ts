import { language } from '../lib/i18n';
import type { Problem } from './types';

/** A response the API refused, with its problem details when it sent them. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem?: Problem,
  ) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
    this.name = 'ApiError';
  }
}

export interface ApiRequest {
  /** The ETag this client holds; the server answers 304 when it still matches. */
  ifNoneMatch?: string;
}

/**
 * GET `path` from the API in the UI language. Resolves with the response when it is 2xx or 304;
 * rejects with ApiError otherwise, and with a TypeError when the network fails.
 */
export async function apiGet(path: string, { ifNoneMatch }: ApiRequest = {}): Promise<Response> {
  const headers = new Headers({ Accept: 'application/json', 'Accept-Language': language.value });
  if (ifNoneMatch) headers.set('If-None-Match', ifNoneMatch);
  // The catalogue keeps its own copy in IndexedDB, so the HTTP cache must not answer for it.
  const response = await fetch(path, { headers, cache: 'no-store' });
  if (response.ok || response.status === 304) return response;
  throw new ApiError(response.status, await readProblem(response));
}

async function readProblem(response: Response): Promise<Problem | undefined> {
  if (!response.headers.get('Content-Type')?.includes('json')) return undefined;
  try {
    return (await response.json()) as Problem;
  } catch {
    return undefined;
  }
}
