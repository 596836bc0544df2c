import { useEffect, useRef, useState } from 'preact/hooks';

export type SaveState =
  | { status: 'idle' }
  | { status: 'saved'; at: Date }
  | { status: 'failed'; reason: string };

export interface Autosave {
  state: SaveState;
  /** Something changed: save after `delayMs` of quiet (typing), or at once with 0. */
  changed: (delayMs?: number) => void;
  /** Save now if anything changed; resolves when every save so far has finished. */
  flush: () => Promise<void>;
  /** Nothing changed since the last save, and no save is running. */
  isSettled: () => boolean;
}

/**
 * Save the form as it changes: `save` reads the latest values itself. Saves run one after the
 * other, never two at once; unsaved changes are saved when the page is hidden or left. The
 * state changes only when a save ends (a "saving" flash at every pause would be announced).
 */
export function useAutosave(save: () => Promise<void>, typingDelayMs = 600): Autosave {
  const [state, setState] = useState<SaveState>({ status: 'idle' });
  const latestSave = useRef(save);
  latestSave.current = save;
  const isDirty = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const queue = useRef<Promise<void>>(Promise.resolve());
  const running = useRef(0);
  const isMounted = useRef(true);

  const methods = useRef({
    flush(): Promise<void> {
      clearTimeout(timer.current);
      timer.current = undefined;
      if (!isDirty.current) return queue.current;
      isDirty.current = false;
      const report = (next: SaveState) => {
        if (isMounted.current) setState(next);
      };
      running.current += 1;
      queue.current = queue.current
        .then(() => latestSave.current())
        .then(
          () => report({ status: 'saved', at: new Date() }),
          (error: unknown) => {
            isDirty.current = true; // try again with the next change or flush
            report({ status: 'failed', reason: error instanceof Error ? error.message : '?' });
          },
        )
        .finally(() => (running.current -= 1));
      return queue.current;
    },
    changed(delayMs = typingDelayMs): void {
      isDirty.current = true;
      clearTimeout(timer.current);
      if (delayMs <= 0) void methods.current.flush();
      else timer.current = setTimeout(() => void methods.current.flush(), delayMs);
    },
    isSettled(): boolean {
      return !isDirty.current && running.current === 0;
    },
  });

  useEffect(() => {
    const { flush } = methods.current;
    const onHidden = () => document.visibilityState === 'hidden' && void flush();
    const onPageHide = () => void flush();
    document.addEventListener('visibilitychange', onHidden);
    addEventListener('pagehide', onPageHide);
    return () => {
      isMounted.current = false;
      document.removeEventListener('visibilitychange', onHidden);
      removeEventListener('pagehide', onPageHide);
      void flush(); // leaving the page within the app
    };
  }, []);

  const { changed, flush, isSettled } = methods.current;
  return { state, changed, flush, isSettled };
}
