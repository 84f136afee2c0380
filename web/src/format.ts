/** Display helpers. */
import type { RunUsage, SavedWorkRef } from './api.ts';

export function timeAgo(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const seconds = Math.round((now - new Date(iso).getTime()) / 1000);
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds}s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes}m ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours}h ago`;
  return new Date(iso).toLocaleDateString();
}

export function dateTime(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '—';
}

/** `ready_for_commit` -> `ready for commit` */
export function label(value: string): string {
  return value.replaceAll('_', ' ');
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

export function duration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** 1234 -> 1.2k, 2500000 -> 2.5M */
export function compact(count: number): string {
  if (count < 1000) return String(count);
  if (count < 1_000_000) return `${(count / 1000).toFixed(count < 10_000 ? 1 : 0)}k`;
  return `${(count / 1_000_000).toFixed(1)}M`;
}

/** What agents used, as a run and a deploy approval tell it (a run's wall time is its budget's business). */
type AgentUsage = Omit<RunUsage, 'wall_seconds'>;

/**
 * A run's cost in a few characters: `$0.42`; `$0.42+` when some attempts reported no cost; `unpriced` when
 * none did; `—` before any agent has worked.
 */
export function costText(usage: AgentUsage): string {
  if (usage.agent_jobs === 0) return '—';
  if (usage.cost_usd === null) return 'unpriced';
  const dollars = `$${usage.cost_usd < 0.01 && usage.cost_usd > 0 ? '<0.01' : usage.cost_usd.toFixed(2)}`;
  return usage.unpriced_jobs > 0 ? `${dollars}+` : dollars;
}

/** The whole usage in a line: attempts, tokens and cost, saying what the cost leaves out. */
export function usageText(usage: AgentUsage): string {
  if (usage.agent_jobs === 0) return 'no agent work yet';
  const tokens = `${compact(usage.input_tokens)} in / ${compact(usage.output_tokens)} out tokens`;
  const unpriced =
    usage.unpriced_jobs > 0 ? ` (${plural(usage.unpriced_jobs, 'attempt')} without a reported cost)` : '';
  return `${plural(usage.agent_jobs, 'agent attempt')} · ${tokens} · ${costText(usage)}${unpriced}`;
}

/** A commit id as git abbreviates it by default; the full id belongs in a title or a copy. */
export function shortCommit(commit: string): string {
  return commit.slice(0, 7);
}

/**
 * What a saved-work ref holds, from the last part of its name: `.../wip/task-3/2` (attempt 2's unfinished
 * work), `.../wip/task-3/final` (what the worktree held when it was removed), `.../discarded/task-3/job-9`
 * (a reviewer's changes, which never count).
 */
export function savedWorkText(saved: Pick<SavedWorkRef, 'ref' | 'kind'>): string {
  const last = saved.ref.slice(saved.ref.lastIndexOf('/') + 1);
  if (saved.kind === 'discarded') {
    const job = /^job-(\d+)$/.exec(last)?.[1];
    return job
      ? `changes a reviewer made in job #${job}, set aside`
      : `a reviewer's changes, set aside (${last})`;
  }
  if (last === 'final') return 'uncommitted work its worktree held when it was cleaned up';
  return /^\d+$/.test(last) ? `unfinished work of attempt ${last}` : `unfinished work (${last})`;
}
