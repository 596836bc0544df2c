import { language } from '../lib/i18n';
import type { Problem } from './types';

/** A response the API refused, with its problem details when it sent them. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem?: Problem,
    /** Seconds to wait before trying again (Retry-After of a 429 or 503). */
    readonly retryAfter?: number,
  ) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
    this.name = 'ApiError';
  }
}

export interface ApiRequest {
  /** The ETag this client holds; the server answers 304 when it still matches. */
  ifNoneMatch?: string;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

type UnauthorizedListener = (path: string) => void;
const unauthorizedListeners = new Set<UnauthorizedListener>();

/**
 * Be told when a signed-in request is refused with 401 (the session expired or was revoked).
 * The sign-in ceremonies under /api/v1/auth/ answer 401 for their own reasons and are not
 * reported.
 */
export function onUnauthorized(listener: UnauthorizedListener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
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
  throw await refusal(path, response);
}

/**
 * Call the API with an optional JSON body and resolve with the JSON answer (undefined for
 * 204). Rejects with ApiError when refused, and with a TypeError when the network fails.
 * The session cookie travels by itself (same origin); the page never reads it. The browser's
 * own Origin and Sec-Fetch-Site headers are the server's cross-site defence: nothing to add.
 */
export async function apiCall<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers = new Headers({ Accept: 'application/json', 'Accept-Language': language.value });
  if (body !== undefined) headers.set('Content-Type', 'application/json');
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
    credentials: 'same-origin',
  });
  if (!response.ok) throw await refusal(path, response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** POST a multipart form (a file) and resolve with the JSON answer; refusals as apiCall's. */
export async function apiPostForm<T>(path: string, body: FormData): Promise<T> {
  const headers = new Headers({ Accept: 'application/json', 'Accept-Language': language.value });
  const response = await fetch(path, {
    method: 'POST',
    headers,
    body,
    cache: 'no-store',
    credentials: 'same-origin',
  });
  if (!response.ok) throw await refusal(path, response);
  return (await response.json()) as T;
}

async function refusal(path: string, response: Response): Promise<ApiError> {
  if (response.status === 401 && !path.startsWith('/api/v1/auth/')) {
    for (const listener of unauthorizedListeners) listener(path);
  }
  const retryAfter = Number(response.headers.get('Retry-After'));
  return new ApiError(
    response.status,
    await readProblem(response),
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  );
}

async function readProblem(response: Response): Promise<Problem | undefined> {
  if (!response.headers.get('Content-Type')?.includes('json')) return undefined;
  try {
    return (await response.json()) as Problem;
  } catch {
    return undefined;
  }
}
