import { memo, useMemo, useRef, useState } from 'react';
import { boardColumns, type PipelineEntry } from '../../../src/domain/pipeline.ts';
import type { BoardTask, Stage } from '../api.ts';
import { useBoardKeys } from '../board-keys.ts';
import { TaskCard } from './TaskCard.tsx';

/** Cards drawn per column before "show more": keeps the first paint of a huge column quick. */
const PAGE = 200;

/** A task matches when every word of the search is in its number, title or description. */
function matches(task: BoardTask, words: string[]): boolean {
  const text = `#${task.id} ${task.title} ${task.description}`.toLowerCase();
  return words.every((word) => text.includes(word));
}

function byPriority(a: BoardTask, b: BoardTask): number {
  return b.priority - a.priority || a.id - b.id;
}

interface Props {
  tasks: Map<number, BoardTask>;
  /** The run's pipeline: one column per stage. */
  pipeline: PipelineEntry[] | null;
  selectedId: number | null;
  onSelect: (id: number) => void;
}

export function Board({ tasks, pipeline, selectedId, onSelect }: Props) {
  const stageColumns = useMemo(() => boardColumns(pipeline), [pipeline]);
  const [query, setQuery] = useState('');
  const board = useRef<HTMLElement>(null);
  const search = useRef<HTMLInputElement>(null);
  useBoardKeys(board, search);
  const { columns, shown } = useMemo(() => {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    const grouped = new Map<Stage, BoardTask[]>(stageColumns.map((column) => [column.stage, []]));
    let count = 0;
    for (const task of tasks.values()) {
      if (words.length > 0 && !matches(task, words)) continue;
      grouped.get(task.pipeline_stage)?.push(task);
      count++;
    }
    for (const list of grouped.values()) list.sort(byPriority);
    return { columns: grouped, shown: count };
  }, [tasks, stageColumns, query]);

  return (
    <>
      <div className="board-search">
        <input
          ref={search}
          type="search"
          aria-label="Search tasks"
          placeholder="Search tasks  ( / )"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              setQuery('');
              event.currentTarget.blur();
            }
          }}
        />
        <span className="muted small" aria-live="polite">
          {query.trim() ? `${shown} of ${tasks.size} tasks match` : null}
        </span>
        <span className="muted small board-keys-hint">j / k to move, Enter to open, Esc to close</span>
      </div>
      <nav className="board-jump" aria-label="Jump to a stage">
        {stageColumns.map((column) => (
          <button
            key={column.stage}
            type="button"
            className="button-small"
            onClick={() =>
              document
                .getElementById(`column-${column.stage}`)
                ?.parentElement?.scrollIntoView({ inline: 'start', block: 'nearest' })
            }
          >
            {column.title} <span className="count">{columns.get(column.stage)?.length ?? 0}</span>
          </button>
        ))}
      </nav>
      <section className="board" aria-label="Task board" ref={board}>
        {stageColumns.map((column) => (
          <Column
            key={column.stage}
            stage={column.stage}
            title={column.title}
            tasks={columns.get(column.stage) ?? []}
            selectedId={selectedId}
            onSelect={onSelect}
          />
        ))}
      </section>
    </>
  );
}

interface ColumnProps {
  stage: Stage;
  title: string;
  tasks: BoardTask[];
  selectedId: number | null;
  onSelect: (id: number) => void;
}

function sameColumn(before: ColumnProps, after: ColumnProps): boolean {
  if (before.onSelect !== after.onSelect || before.tasks.length !== after.tasks.length) return false;
  const had = before.tasks.some((task) => task.id === before.selectedId);
  const has = after.tasks.some((task) => task.id === after.selectedId);
  if ((had || has) && before.selectedId !== after.selectedId) return false;
  return before.tasks.every((task, index) => task === after.tasks[index]);
}

/** A column re-renders only when one of its tasks changed (same objects in the same order otherwise). */
const Column = memo(function Column({ stage, title, tasks, selectedId, onSelect }: ColumnProps) {
  const [shown, setShown] = useState(PAGE);
  const headingId = `column-${stage}`;
  return (
    <div className={`column column-${stage}`} data-stage={stage}>
      <h2 className="column-head" id={headingId}>
        <span>{title}</span>
        <span className="count">
          {tasks.length}
          <span className="visually-hidden"> tasks</span>
        </span>
      </h2>
      {tasks.length === 0 ? <p className="column-empty">No tasks</p> : null}
      <ul className="column-cards" aria-labelledby={headingId}>
        {tasks.slice(0, shown).map((task) => (
          <TaskCard key={task.id} task={task} selected={task.id === selectedId} onSelect={onSelect} />
        ))}
      </ul>
      {tasks.length > shown ? (
        <button
          type="button"
          className="button-quiet show-more"
          onClick={() => setShown((n) => n + PAGE * 5)}
        >
          Show {Math.min(PAGE * 5, tasks.length - shown)} more
        </button>
      ) : null}
    </div>
  );
}, sameColumn);
