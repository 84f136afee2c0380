/**
 * Live updates from `GET /api/events/stream` (Server-Sent Events). EventSource sends the session cookie
 * and, on reconnect, Last-Event-ID, so the server replays what was missed. Pages refetch the resource an
 * event touches, debounced, instead of polling.
 */
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { EVENT_TYPES } from '../../src/domain/event-types.ts';
import type { WhEvent } from './api.ts';

/** `idle`: the current page has no stream open (nothing live to show). */
export type LiveState = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'offline';

let liveState: LiveState = 'idle';
const watchers = new Set<() => void>();

function setLiveState(next: LiveState): void {
  if (next === liveState) return;
  liveState = next;
  for (const watcher of watchers) watcher();
}

/** The stream's connection state, for the header's indicator. */
export function useLiveState(): LiveState {
  return useSyncExternalStore(
    (watcher) => {
      watchers.add(watcher);
      return () => watchers.delete(watcher);
    },
    () => liveState,
  );
}

export interface LiveFilter {
  run_id?: number | undefined;
  project_id?: number | undefined;
}

/**
 * Subscribes to the event stream while the component is mounted. Returns `ready`: true once the stream is
 * subscribed (or failed to connect), so a page can read its data after subscribing and miss nothing.
 */
export function useLive(
  filter: LiveFilter,
  onEvent: (event: WhEvent) => void,
  onReady?: (lastId: number) => void,
): boolean {
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const readyHandler = useRef(onReady);
  readyHandler.current = onReady;
  const [ready, setReady] = useState(false);
  const params = new URLSearchParams();
  if (filter.run_id) params.set('run_id', String(filter.run_id));
  if (filter.project_id) params.set('project_id', String(filter.project_id));
  const query = params.toString();

  useEffect(() => {
    const source = new EventSource(`/api/events/stream${query ? `?${query}` : ''}`);
    setLiveState('connecting');
    // Should the stream not answer, show the data anyway.
    const fallback = window.setTimeout(() => setReady(true), 1500);
    const onReady = (message: MessageEvent<string>) => {
      window.clearTimeout(fallback);
      setLiveState('live');
      setReady(true);
      try {
        readyHandler.current?.(Number((JSON.parse(message.data) as { last_id: number }).last_id) || 0);
      } catch {
        readyHandler.current?.(0);
      }
    };
    const onMessage = (message: MessageEvent<string>) => {
      try {
        handler.current(JSON.parse(message.data) as WhEvent);
      } catch (error) {
        console.error('bad event', error);
      }
    };
    source.addEventListener('ready', onReady);
    // SSE delivers a named event only to listeners of that name: subscribe to every name in the server's
    // event catalogue, the same list the server's events are checked against.
    for (const type of EVENT_TYPES) source.addEventListener(type, onMessage);
    source.onerror = () => {
      setLiveState(source.readyState === EventSource.CLOSED ? 'offline' : 'reconnecting');
      window.clearTimeout(fallback);
      setReady(true);
    };
    return () => {
      window.clearTimeout(fallback);
      source.close();
      setLiveState('idle');
    };
  }, [query]);

  return ready;
}

/**
 * A debounced trigger: calls within `ms` of the first one run `action` once, `ms` after that first call
 * (so a steady stream of events still refetches every `ms`, never starves). Keys collected meanwhile
 * (e.g. task ids) are handed over together.
 */
export function useDebounced<K = never>(action: (keys: Set<K>) => void, ms = 100): (key?: K) => void {
  const latest = useRef(action);
  latest.current = action;
  const state = useRef<{ timer: number | null; keys: Set<K> }>({ timer: null, keys: new Set() });
  useEffect(
    () => () => {
      if (state.current.timer !== null) window.clearTimeout(state.current.timer);
    },
    [],
  );
  const trigger = useRef((key?: K) => {
    const current = state.current;
    if (key !== undefined) current.keys.add(key);
    if (current.timer !== null) return;
    current.timer = window.setTimeout(() => {
      const keys = current.keys;
      current.keys = new Set();
      current.timer = null;
      latest.current(keys);
    }, ms);
  });
  return trigger.current;
}

/** Events that change a run's phase or its progress counts (a task edit or a log line does not). */
export function affectsProgress(type: string): boolean {
  return (
    type.startsWith('run.') ||
    type === 'task.created' ||
    type.startsWith('task.stage') ||
    type === 'task.updated'
  );
}

const ATTEMPT_ENDS = new Set([
  'job.succeeded',
  'job.failed',
  'job.retry_scheduled',
  'job.dead',
  'job.lease_expired',
]);

/**
 * Events that end a job attempt: what a run has used (tokens, cost) may have changed. A job whose handler
 * applied an outcome ends in that outcome's event (a stage result, a review), which carries `job`.
 */
export function endsAttempt(event: WhEvent): boolean {
  return ATTEMPT_ENDS.has(event.type) || (event.job_id !== null && names(event.payload.job));
}

/** Events that start, give back, cancel or end a job attempt: its state and verdict change. */
export function movesJob(event: WhEvent): boolean {
  return (
    event.type === 'job.claimed' ||
    event.type === 'job.released' ||
    event.type === 'job.cancelled' ||
    endsAttempt(event)
  );
}

const names = (value: unknown) => value !== null && value !== undefined;

interface InterventionNamed {
  action?: unknown;
  outcome?: { approval_id?: unknown };
}

/**
 * The interventions an event reports: a rule's one (`director.intervened`), or the items of an LLM review
 * (`director.reviewed`, which names them all); none for any other event.
 */
function interventionsIn(event: WhEvent): InterventionNamed[] {
  if (event.type === 'director.intervened') return [event.payload as InterventionNamed];
  if (event.type === 'director.reviewed' && Array.isArray(event.payload.interventions))
    return event.payload.interventions as InterventionNamed[];
  return [];
}

/** Events after which the Director's list of interventions has more in it. */
export function addsInterventions(event: WhEvent): boolean {
  return interventionsIn(event).length > 0;
}

/**
 * Events that add or settle an approval: a decision; a stage move that escalated a task (the approval is
 * created inside `task.stage_advanced` / `task.stage_result`, whose payload names it); a run whose tests
 * passed, or whose pipeline was triggered, asking for its deploy; a run that was killed (its approvals go);
 * the Director pausing a run at its budget or asking a person (each asks through an approval).
 */
export function affectsApprovals(event: WhEvent): boolean {
  return (
    event.type.startsWith('approval.') ||
    event.type === 'run.killed' ||
    (event.type.startsWith('task.stage') && names(event.payload.escalation_approval_id)) ||
    (event.type === 'run.tested' && names(event.payload.approval_id)) ||
    (event.type === 'run.pipeline_triggered' && names(event.payload.deploy_approval_id)) ||
    interventionsIn(event).some(
      (intervention) => intervention.action === 'pause' || names(intervention.outcome?.approval_id),
    )
  );
}

/**
 * Events after which a run's branches or saved work may differ: a stage move (a merge into the run branch,
 * a reviewer's changes set aside), a job's end or hand-back (its commit, its WIP ref), any run change (a
 * release, a kill). A log line changes nothing.
 */
export function changesBranches(type: string): boolean {
  return (
    type.startsWith('task.stage') ||
    (type.startsWith('job.') && type !== 'job.output') ||
    type.startsWith('run.')
  );
}
