#!/usr/bin/env node
// The scripted agent: a deterministic stand-in for an LLM agent, for demos and tests. It is a real child
// process run by the same runner as every CLI (confined like one where bubblewrap works). It reads the
// prompt on stdin, performs the actions of the recipe step Workhorse chose for it (WH_SCRIPT_STEP, JSON;
// see ../backends/scripted.ts: the nth run for a role and task plays the nth matching step) in its working
// directory, and prints a JSON-lines stream of what it did.
//
// Recipe (JSON): { "steps": [ { "role": "qa", "task": "substring of the task title", "actions": [
//   { "write": { "path": "src/x.js", "content": "..." } }, { "run": "npm test" },
//   { "report": { "file": "bugs.json", "content": { ... } } }, { "say": "text" },
//   { "echo_prompt": true } ], "exit": 0, "result": "final text" } ] }
// "echo_prompt" says the prompt it was given, so that a test can read it in the job's log.
// A "run" action's output is reported, not judged: a failing command does not stop the step.
import { execSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const role = process.env.WH_SCRIPT_ROLE ?? '';
const visit = Number(process.env.WH_SCRIPT_VISIT ?? '1');

function emit(event) {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

function fail(message) {
  emit({ type: 'result', ok: false, text: message });
  process.exit(3);
}

const prompt = readFileSync(0, 'utf8'); // read at once, so the writer never blocks
if (process.env.WH_SCRIPT_ERROR) fail(process.env.WH_SCRIPT_ERROR);
let step;
try {
  step = JSON.parse(process.env.WH_SCRIPT_STEP ?? '');
} catch {
  fail('scripted agent: no step given (WH_SCRIPT_STEP)');
}

emit({ type: 'session', session_id: `scripted-${role}-${visit}` });
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
  } else if (action.echo_prompt) {
    emit({ type: 'message', text: prompt });
  }
}
const exit = step.exit ?? 0;
emit({ type: 'usage', input_tokens: 100 * visit, output_tokens: 20, cost_usd: 0 });
emit({ type: 'result', ok: exit === 0, text: step.result ?? `${role} step done` });
process.exit(exit);
