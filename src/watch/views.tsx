/** The terminal view's screens, as plain components of what the snapshot holds: no fetching here. */
import { Box, Text } from 'ink';
import { cutToWidth, tokensAndCost } from '../cli/output.ts';
import type { TaskView } from '../contracts/tasks.ts';
import type { Overview, RunBoard } from './snapshot.ts';

export function OverviewScreen({
  overview,
  selected,
  width,
}: {
  overview: Overview;
  selected: number;
  width: number;
}) {
  const { status } = overview;
  const queue = Object.entries(status.queue ?? {})
    .filter(([, count]) => count > 0)
    .map(([state, count]) => `${state} ${count}`)
    .join(' · ');
  return (
    <Box flexDirection="column">
      <Text bold>
        Workhorse {status.version} · {status.database}
        {status.connection.reachable ? '' : ' · DATABASE UNREACHABLE'} · workers {status.workers?.length ?? 0}{' '}
        · queue {queue || 'empty'}
        {overview.pendingApprovals > 0 ? ` · ${overview.pendingApprovals} approvals waiting` : ''}
      </Text>
      <Text> </Text>
      {overview.runs.length === 0 ? (
        <Text dimColor>No runs yet: wh run start &lt;project&gt; "&lt;goal&gt;"</Text>
      ) : (
        overview.runs.map((run, index) => (
          <Text key={run.id} inverse={index === selected}>
            {cutToWidth(
              `#${run.id}  ${run.phase}${run.paused ? ' (paused)' : ''}  ${run.progress.complete}/${run.progress.total}  ${run.goal}`,
              width,
            )}
          </Text>
        ))
      )}
    </Box>
  );
}

function jobState(task: TaskView): string {
  const job = task.current_job;
  if (!job) return task.blocked_by.length ? 'waiting' : '';
  return job.state === 'running' ? `${job.role} running` : job.state;
}

export function BoardScreen({
  board,
  selectedTaskId,
  width,
}: {
  board: RunBoard;
  selectedTaskId: number | null;
  width: number;
}) {
  const { run } = board;
  const columnWidth = Math.max(12, Math.floor(width / Math.max(1, board.stages.length)) - 1);
  return (
    <Box flexDirection="column">
      <Text bold>
        {cutToWidth(
          `Run #${run.id} · ${run.phase}${run.paused ? ' · PAUSED' : ''} · ${run.progress.complete}/${run.progress.total} complete · ${tokensAndCost(run.usage)}${board.pendingApprovals ? ` · ${board.pendingApprovals} approval waiting` : ''}`,
          width,
        )}
      </Text>
      <Text dimColor>{cutToWidth(run.goal, width)}</Text>
      <Box marginTop={1}>
        {board.stages.map((stage) => {
          const tasks = board.tasks.filter((task) => task.pipeline_stage === stage);
          return (
            <Box key={stage} flexDirection="column" width={columnWidth} marginRight={1}>
              <Text bold underline>
                {cutToWidth(`${stage.toUpperCase()} (${tasks.length})`, columnWidth)}
              </Text>
              {tasks.map((task) => (
                <Box key={task.id} flexDirection="column">
                  <Text inverse={task.id === selectedTaskId}>
                    {cutToWidth(`#${task.id} ${task.title}`, columnWidth)}
                  </Text>
                  {jobState(task) ? (
                    <Text dimColor>{cutToWidth(`  ${jobState(task)}`, columnWidth)}</Text>
                  ) : null}
                </Box>
              ))}
            </Box>
          );
        })}
      </Box>
      <Box marginTop={1} flexDirection="column">
        <Text bold>Agents running: {board.agents.length}</Text>
        {board.agents.map((agent) => (
          <Box key={agent.jobId} flexDirection="column">
            <Text>
              {cutToWidth(
                `job ${agent.jobId} · ${agent.role}${agent.backend ? ` (${agent.backend})` : ''}${agent.taskId ? ` · task #${agent.taskId}` : ''}`,
                width,
              )}
            </Text>
            {agent.tail.map((line, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: log lines have no identity but their place
              <Text key={index} dimColor>
                {cutToWidth(`  ${line}`, width)}
              </Text>
            ))}
          </Box>
        ))}
      </Box>
    </Box>
  );
}

export function TaskScreen({ task, width }: { task: TaskView; width: number }) {
  return (
    <Box flexDirection="column">
      <Text bold>
        {cutToWidth(`Task #${task.id} · ${task.pipeline_stage} · priority ${task.priority}`, width)}
      </Text>
      <Text>{cutToWidth(task.title, width)}</Text>
      <Text dimColor>
        {task.current_job
          ? `job ${task.current_job.id} ${task.current_job.role} ${task.current_job.state}`
          : 'no open job'}
        {task.loop_backs ? ` · sent back ${task.loop_backs}x` : ''}
        {task.blocked_by.length ? ` · waiting for #${task.blocked_by.join(', #')}` : ''}
      </Text>
      {task.description ? <Text>{task.description}</Text> : null}
      {task.acceptance.length ? (
        <Box flexDirection="column" marginTop={1}>
          <Text bold>Acceptance</Text>
          {task.acceptance.map((item) => (
            <Text key={item}>{cutToWidth(`- ${item}`, width)}</Text>
          ))}
        </Box>
      ) : null}
      {task.notes ? (
        <Box flexDirection="column" marginTop={1}>
          <Text bold>Notes</Text>
          <Text>{task.notes}</Text>
        </Box>
      ) : null}
    </Box>
  );
}
