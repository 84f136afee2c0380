/** Small data hooks: load a resource, keep the last good value while it reloads, drop stale answers. */
import { type DependencyList, useCallback, useEffect, useRef, useState } from 'react';
import { errorText } from './api.ts';

export interface Resource<T> {
  data: T | undefined;
  error: string | null;
  loading: boolean;
  reload: () => void;
  setData: (update: (current: T | undefined) => T | undefined) => void;
}

/** Loads when `enabled` and whenever `deps` change; `reload()` fetches again without clearing the view. */
export function useResource<T>(load: () => Promise<T>, deps: DependencyList, enabled = true): Resource<T> {
  const [data, setDataState] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const sequence = useRef(0);
  const loader = useRef(load);
  loader.current = load;

  const reload = useCallback(() => {
    const mine = ++sequence.current;
    setLoading(true);
    loader.current().then(
      (value) => {
        if (mine !== sequence.current) return;
        setDataState(value);
        setError(null);
        setLoading(false);
      },
      (failure: unknown) => {
        if (mine !== sequence.current) return;
        setError(errorText(failure));
        setLoading(false);
      },
    );
  }, []);

  useEffect(() => {
    if (enabled) reload();
  }, [enabled, reload, ...deps]);

  const setData = useCallback((update: (current: T | undefined) => T | undefined) => {
    setDataState((current) => update(current));
  }, []);

  return { data, error, loading, reload, setData };
}

/** Runs an action (a button's POST), tracking busy and error state for the button's surroundings. */
export function useAction(): {
  busy: boolean;
  error: string | null;
  run: <T>(action: () => Promise<T>) => Promise<T | undefined>;
  clear: () => void;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async <T>(action: () => Promise<T>) => {
    setBusy(true);
    setError(null);
    try {
      return await action();
    } catch (failure) {
      setError(errorText(failure));
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, clear: () => setError(null) };
}

/** Sets the browser tab's title for the current page. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Workhorse` : 'Workhorse';
  }, [title]);
}
