/** What the demo's run did, counted from its events, tasks and findings as the API answers with them. */
import type { WhEvent } from '../contracts/events.ts';
import type { Finding } from '../contracts/findings.ts';
import type { TaskView } from '../contracts/tasks.ts';
import { stageName } from './progress.ts';

export interface DemoSummary {
  tasks: { planned: number; fixes: { id: number; title: string }[] };
  /** Loop-backs to DEV, by the stage that sent the task back. */
  loopBacks: Record<string, number>;
  /** Findings by severity. */
  findings: Record<string, number>;
  seconds: number;
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

export function summarize(
  events: readonly WhEvent[],
  tasks: readonly TaskView[],
  findings: readonly Finding[],
  seconds: number,
): DemoSummary {
  const loops = events.filter((event) => event.type === 'task.stage_result' && event.payload.loop_back);
  return {
    tasks: {
      planned: tasks.filter((task) => task.source !== 'finding').length,
      fixes: tasks.filter((task) => task.source === 'finding').map(({ id, title }) => ({ id, title })),
    },
    loopBacks: countBy(loops, (event) => `from ${stageName(event.payload.from)}`),
    findings: countBy(findings, (finding) => finding.severity),
    seconds,
  };
}

const listed = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([name, count]) => `${count} ${name}`)
    .join(', ') || 'none';

export function describeSummary(summary: DemoSummary): string[] {
  const total = summary.tasks.planned + summary.tasks.fixes.length;
  const fixes = summary.tasks.fixes.map((task) => `task ${task.id} "${task.title}"`).join('; ');
  return [
    `tasks: ${total} (${summary.tasks.planned} planned, ${summary.tasks.fixes.length} from findings${fixes ? `: ${fixes}` : ''})`,
    `loop-backs to DEV: ${listed(summary.loopBacks)}`,
    `findings: ${listed(summary.findings)}`,
    `time: ${summary.seconds.toFixed(1)} s`,
  ];
}
