import { useCallback, useEffect, useState } from 'preact/hooks';
import { explainFailure } from './explain';

export type Resource<T> =
  | { status: 'loading' }
  | { status: 'ready'; value: T }
  | { status: 'failed'; message: string };

/** Server data for a page: loads on mount (and on `reload`), never cached on the device. */
export function useResource<T>(
  load: () => Promise<T>,
  isEnabled: boolean,
): [Resource<T>, () => void] {
  const [resource, setResource] = useState<Resource<T>>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    if (!isEnabled) return;
    let isCurrent = true;
    setResource((previous) => (previous.status === 'ready' ? previous : { status: 'loading' }));
    load().then(
      (value) => isCurrent && setResource({ status: 'ready', value }),
      (error: unknown) =>
        isCurrent && setResource({ status: 'failed', message: explainFailure(error) }),
    );
    return () => {
      isCurrent = false;
    };
  }, [generation, isEnabled]);
  return [resource, useCallback(() => setGeneration((g) => g + 1), [])];
}
