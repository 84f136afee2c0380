/** Small data hooks: load a resource, keep the last good value while it reloads, drop stale answers. */
import { type DependencyList, useCallback, useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
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

/**
 * Looks up records by id (a task's title, a run's goal), each id once per mount; ids that fail to load
 * are simply missing from the map, and asked for again when the id list changes.
 */
export function useLookup<T>(
  ids: readonly (number | null)[],
  load: (id: number) => Promise<T>,
  enabled = true,
): ReadonlyMap<number, T> {
  const [found, setFound] = useState<ReadonlyMap<number, T>>(() => new Map());
  const asked = useRef(new Set<number>());
  const loader = useRef(load);
  loader.current = load;
  const key = [...new Set(ids.filter((id): id is number => id !== null))].sort((a, b) => a - b).join(',');

  useEffect(() => {
    if (!enabled || !key) return;
    for (const id of key.split(',').map(Number)) {
      if (asked.current.has(id)) continue;
      asked.current.add(id);
      loader.current(id).then(
        (value) => setFound((current) => new Map(current).set(id, value)),
        () => asked.current.delete(id),
      );
    }
  }, [key, enabled]);

  return found;
}

/** The current time, updated every `ms`, for "waiting 5m" style ages that should not go stale. */
export function useNow(ms = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), ms);
    return () => window.clearInterval(timer);
  }, [ms]);
  return now;
}

/**
 * A page's filters, kept in its URL: `update` sets each named parameter, or clears it when empty or null,
 * in place of the current history entry. Any change goes back to the first page (`offset`) unless it names
 * the offset itself.
 */
export function useUrlFilters(): [URLSearchParams, (changes: Record<string, string | null>) => void] {
  const [params, setParams] = useSearchParams();
  const update = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null || value === '') next.delete(key);
      else next.set(key, value);
    }
    if (!('offset' in changes)) next.delete('offset');
    setParams(next, { replace: true });
  };
  return [params, update];
}
