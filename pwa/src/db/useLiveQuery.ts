import { liveQuery } from 'dexie';
import { useEffect, useState } from 'preact/hooks';

export type LiveResult<T> = { isLoaded: false } | { isLoaded: true; value: T };

/** The result of an IndexedDB query, kept current as the data changes (Dexie liveQuery). */
export function useLiveQuery<T>(query: () => Promise<T>, deps: readonly unknown[]): LiveResult<T> {
  const [result, setResult] = useState<LiveResult<T>>({ isLoaded: false });
  useEffect(() => {
    const subscription = liveQuery(query).subscribe({
      next: (value) => setResult({ isLoaded: true, value }),
      error: (error: unknown) => console.error('IndexedDB query failed', error),
    });
    return () => subscription.unsubscribe();
  }, deps);
  return result;
}
