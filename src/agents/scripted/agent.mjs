#!/usr/bin/env node
// The scripted agent: a deterministic stand-in for an LLM agent, for demos and tests. It is a real child
// process run by the same runner as every CLI. It reads the prompt on stdin, finds the recipe step for its
// role and task (the nth time it runs for that pair it plays the nth matching step), performs the step's
// actions in its working directory and prints a JSON-lines stream of what it did.
//
// Recipe (JSON): { "steps": [ { "role": "qa", "task": "substring of the task title", "actions": [
//   { "write": { "path": "src/x.js", "content": "..." } }, { "run": "npm test" },
//   { "report": { "file": "bugs.json", "content": { ... } } }, { "say": "text" } ], "exit": 0 } ] }
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const recipePath = process.env.WH_SCRIPT_RECIPE;
const role = process.env.WH_SCRIPT_ROLE ?? '';
const taskTitle = process.env.WH_SCRIPT_TASK ?? '';

function emit(event) {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

function fail(message) {
  emit({ type: 'result', ok: false, text: message });
  process.exit(3);
}

if (!recipePath || !existsSync(recipePath)) fail(`scripted agent: no recipe at ${recipePath ?? '(unset)'}`);
readFileSync(0, 'utf8'); // the prompt; read so the writer never blocks

const recipe = JSON.parse(readFileSync(recipePath, 'utf8'));
const statePath = `${recipePath}.state.json`;
const state = existsSync(statePath) ? JSON.parse(readFileSync(statePath, 'utf8')) : {};
const key = `${role}::${taskTitle}`;
const seen = state[key] ?? 0;
const matching = recipe.steps.filter(
  (step) => step.role === role && (!step.task || taskTitle.toLowerCase().includes(step.task.toLowerCase())),
);
const step = matching[Math.min(seen, matching.length - 1)];
state[key] = seen + 1;
writeFileSync(statePath, JSON.stringify(state, null, 2));
if (!step) fail(`scripted agent: the recipe has no step for role ${role} and task "${taskTitle}"`);

emit({ type: 'session', session_id: `scripted-${role}-${seen + 1}` });
for (const action of step.actions ?? []) {
  if (action.write) {
    const target = join(process.cwd(), action.write.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, action.write.content);
    emit({ type: 'file_edit', path: action.write.path, kind: 'update' });
  } else if (action.report) {
    const content =
      typeof action.report.content === 'string'
        ? action.report.content
        : JSON.stringify(action.report.content, null, 2);
    writeFileSync(join(process.cwd(), action.report.file), content);
    emit({ type: 'file_edit', path: action.report.file, kind: 'add' });
  } else if (action.run) {
    emit({ type: 'tool_call', name: 'bash', input: { command: action.run } });
    try {
      const output = execSync(action.run, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      emit({ type: 'tool_result', ok: true, output: output.slice(-2000) });
    } catch (error) {
      emit({ type: 'tool_result', ok: false, output: String(error.stdout ?? error.message).slice(-2000) });
    }
  } else if (action.say) {
    emit({ type: 'message', text: action.say });
  }
}
const exit = step.exit ?? 0;
emit({ type: 'usage', input_tokens: 100 * (seen + 1), output_tokens: 20, cost_usd: 0 });
emit({ type: 'result', ok: exit === 0, text: step.result ?? `${role} step done` });
process.exit(exit);
