/**
 * The scripted backend: plays a recipe instead of asking a model (see ../scripted/agent.mjs). Deterministic,
 * for demos and end-to-end tests; it runs as a real child process through the same runner as every CLI.
 *
 * The step is chosen here, in Workhorse's process, not by the agent: a confined agent cannot see the
 * recipe (it may live in /tmp or the data folder, both hidden) nor write the play count next to it. The
 * nth run for a (role, task title) pair plays the nth matching step (the last one again when they run out);
 * the counts are kept in `<recipe>.state.json`.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AgentBackend } from '../types.ts';
import { createParser, SCRIPTED_BACKEND } from './scripted-stream.ts';

const AGENT_SCRIPT = fileURLToPath(new URL('../scripted/agent.mjs', import.meta.url));

interface RecipeStep {
  role?: unknown;
  task?: unknown;
}

type Pick = { step: RecipeStep; visit: number } | { error: string };

function readState(statePath: string): Record<string, number> {
  try {
    return existsSync(statePath)
      ? (JSON.parse(readFileSync(statePath, 'utf8')) as Record<string, number>)
      : {};
  } catch {
    return {};
  }
}

/** The step this run plays, counting the run in the recipe's state file. */
export function pickStep(recipePath: string, role: string, taskTitle: string): Pick {
  if (!recipePath || !existsSync(recipePath))
    return { error: `scripted agent: no recipe at ${recipePath || '(unset)'}` };
  let steps: RecipeStep[];
  try {
    const recipe = JSON.parse(readFileSync(recipePath, 'utf8')) as { steps?: unknown };
    steps = Array.isArray(recipe.steps) ? (recipe.steps as RecipeStep[]) : [];
  } catch (error) {
    return { error: `scripted agent: ${recipePath} is not valid JSON: ${(error as Error).message}` };
  }
  const statePath = `${recipePath}.state.json`;
  const state = readState(statePath);
  const key = `${role}::${taskTitle}`;
  const seen = state[key] ?? 0;
  const title = taskTitle.toLowerCase();
  const matching = steps.filter(
    (step) =>
      step.role === role &&
      (typeof step.task !== 'string' || !step.task || title.includes(step.task.toLowerCase())),
  );
  const step = matching[Math.min(seen, matching.length - 1)];
  state[key] = seen + 1;
  // Whole or not at all: several worker processes may play one recipe.
  const temporary = `${statePath}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(state, null, 2));
  renameSync(temporary, statePath);
  if (!step)
    return { error: `scripted agent: the recipe has no step for role ${role} and task "${taskTitle}"` };
  return { step, visit: seen + 1 };
}

export const scriptedBackend: AgentBackend = {
  name: SCRIPTED_BACKEND,
  defaultBinary: process.execPath,
  envKeys: [],
  home: { credentials: [], settings: [] },
  credentialProblem: () => null,
  commandLine(invocation, binary) {
    const labels = invocation.labels ?? {};
    const role = labels.role ?? '';
    const picked = pickStep(labels.recipe ?? '', role, labels.task ?? '');
    return {
      command: binary,
      args: [AGENT_SCRIPT],
      stdin: invocation.prompt,
      env: {
        WH_SCRIPT_ROLE: role,
        ...('error' in picked
          ? { WH_SCRIPT_ERROR: picked.error }
          : { WH_SCRIPT_STEP: JSON.stringify(picked.step), WH_SCRIPT_VISIT: String(picked.visit) }),
      },
    };
  },
  createParser,
};
