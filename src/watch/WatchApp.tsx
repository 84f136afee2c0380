/**
 * `wh watch`: runs, a run's stage board, running agents with their last log lines, and a task's detail,
 * refreshed from the API's event stream. Keys act through the same API calls as `wh run pause|kill|trigger`.
 */
import { Box, Text, useApp, useInput, useStdout } from 'ink';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiClient } from '../cli/api-client.ts';
import { ApiFailure } from '../cli/api-failure.ts';
import { killedRunSchema, runViewSchema, triggeredPipelineSchema } from '../contracts/runs.ts';
import { followEvents } from './live.ts';
import { loadOverview, loadRunBoard, type Overview, type RunBoard } from './snapshot.ts';
import { BoardScreen, OverviewScreen, TaskScreen } from './views.tsx';

/** Events come in bursts (a stage move writes several): one refresh per burst. */
const REFRESH_DEBOUNCE_MS = 250;
/** Running agents' log tails change without an event of their own. */
const POLL_MS = 5000;

type Screen =
  | { name: 'overview' }
  | { name: 'run'; runId: number }
  | { name: 'task'; runId: number; taskId: number };

function runIdOf(screen: Screen): number | null {
  return screen.name === 'overview' ? null : screen.runId;
}

const HELP: Record<Screen['name'], string> = {
  overview: 'j/k move · Enter open run · r refresh · q quit',
  run: 'j/k move · Enter open task · p pause/resume · t trigger · x kill · Esc runs · q quit',
  task: 'Esc back · q quit',
};

export function WatchApp({ client, runId }: { client: ApiClient; runId?: number }) {
  const { exit } = useApp();
  const { stdout } = useStdout();
  const width = Math.max(40, (stdout.columns || 100) - 1);
  const [screen, setScreen] = useState<Screen>(runId ? { name: 'run', runId } : { name: 'overview' });
  const [overview, setOverview] = useState<Overview | null>(null);
  const [board, setBoard] = useState<RunBoard | null>(null);
  const [selected, setSelected] = useState(0);
  const [message, setMessage] = useState<string | null>(null);
  const [confirmKill, setConfirmKill] = useState(false);
  const screenRef = useRef(screen);
  screenRef.current = screen;

  const refresh = useCallback(async () => {
    const current = screenRef.current;
    try {
      // A read slower than the person's keys lands after they moved on: it must not show another run.
      if (current.name === 'overview') {
        const loaded = await loadOverview(client);
        if (screenRef.current.name === 'overview') setOverview(loaded);
      } else {
        const loaded = await loadRunBoard(client, current.runId);
        if (runIdOf(screenRef.current) === current.runId) setBoard(loaded);
      }
    } catch (error) {
      setMessage(error instanceof ApiFailure ? `${error.message} (${error.code})` : String(error));
    }
  }, [client]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new screen is read afresh
  useEffect(() => {
    void refresh();
  }, [screen.name, screen.name === 'overview' ? 0 : screen.runId, refresh]);

  useEffect(() => {
    const stop = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const soon = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void refresh(), REFRESH_DEBOUNCE_MS);
    };
    void followEvents(client, undefined, soon, stop.signal);
    const poll = setInterval(() => void refresh(), POLL_MS);
    return () => {
      stop.abort();
      clearTimeout(timer);
      clearInterval(poll);
    };
  }, [client, refresh]);

  // Until the run just opened is read, the board held is the last run's.
  const shownBoard = board && board.run.id === runIdOf(screen) ? board : null;
  const boardTasks = shownBoard
    ? shownBoard.stages.flatMap((stage) => shownBoard.tasks.filter((t) => t.pipeline_stage === stage))
    : [];
  const selectedTask = boardTasks[Math.min(selected, boardTasks.length - 1)] ?? null;

  const act = async (what: string, work: () => Promise<unknown>) => {
    try {
      await work();
      setMessage(what);
      await refresh();
    } catch (error) {
      setMessage(error instanceof ApiFailure ? `${error.message} (${error.code})` : String(error));
    }
  };

  useInput((input, key) => {
    if (input === 'q' || (key.ctrl && input === 'c')) return exit();
    if (confirmKill) {
      setConfirmKill(false);
      if (input === 'y' && screen.name === 'run')
        void act(`killed run ${screen.runId}`, () =>
          client.post(`/api/runs/${screen.runId}/kill`, killedRunSchema),
        );
      else setMessage('kill cancelled');
      return;
    }
    const count = screen.name === 'overview' ? (overview?.runs.length ?? 0) : boardTasks.length;
    if (input === 'j' || key.downArrow) setSelected((index) => Math.min(index + 1, Math.max(0, count - 1)));
    else if (input === 'k' || key.upArrow) setSelected((index) => Math.max(0, index - 1));
    else if (input === 'r') void refresh();
    else if (key.escape) {
      setSelected(0);
      setScreen(screen.name === 'task' ? { name: 'run', runId: screen.runId } : { name: 'overview' });
    } else if (key.return) {
      if (screen.name === 'overview' && overview?.runs[selected]) {
        setScreen({ name: 'run', runId: overview.runs[selected].id });
        setSelected(0);
      } else if (screen.name === 'run' && selectedTask)
        setScreen({ name: 'task', runId: screen.runId, taskId: selectedTask.id });
    } else if (screen.name === 'run' && shownBoard) {
      const id = screen.runId;
      if (input === 'p') {
        const action = shownBoard.run.paused ? 'resume' : 'pause';
        void act(`${action}d run ${id}`, () => client.post(`/api/runs/${id}/${action}`, runViewSchema));
      } else if (input === 't')
        void act(`triggered run ${id}`, () =>
          client.post(`/api/runs/${id}/trigger-pipeline`, triggeredPipelineSchema),
        );
      else if (input === 'x') {
        setConfirmKill(true);
        setMessage(`kill run ${id}? its jobs are cancelled (y to confirm, any other key to keep it)`);
      }
    }
  });

  const task = screen.name === 'task' ? shownBoard?.tasks.find((t) => t.id === screen.taskId) : undefined;
  return (
    <Box flexDirection="column">
      {screen.name === 'overview' ? (
        overview ? (
          <OverviewScreen overview={overview} selected={selected} width={width} />
        ) : (
          <Text dimColor>Loading…</Text>
        )
      ) : screen.name === 'run' ? (
        shownBoard ? (
          <BoardScreen board={shownBoard} selectedTaskId={selectedTask?.id ?? null} width={width} />
        ) : (
          <Text dimColor>Loading…</Text>
        )
      ) : task ? (
        <TaskScreen task={task} width={width} />
      ) : (
        <Text dimColor>Loading…</Text>
      )}
      <Box marginTop={1} flexDirection="column">
        {message ? <Text color="yellow">{message}</Text> : null}
        <Text dimColor>{HELP[screen.name]}</Text>
      </Box>
    </Box>
  );
}
