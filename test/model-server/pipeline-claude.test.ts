/**
 * The real Claude Code as the DEV, QA, SEC and DOCS agents of one Workhorse task, end to end through the
 * real worker, handlers, gates and services, against the scripted model server. One server plays the
 * whole team: the script is chosen by the role prompt in each request. SEC reads the code on disk, so it
 * fails the first (eval) version with a high finding and passes the fix. Everything is read back from
 * the database and from git. Also: an agent with no credentials fails its job at once, never a pass.
 */

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { findings, jobs } from '../../src/db/schema.ts';
import { taskBranchName } from '../../src/domain/git-names.ts';
import { getRun } from '../../src/services/runs.ts';
import { git } from '../../src/worker/git.ts';
import { runEvents, runJobs, runTasks, waitFor } from '../support/agents.ts';
import { startModelServer } from '../support/model-server/index.ts';
import { type PipelineWorld, startPipelineWorld } from '../support/model-server/pipeline-world.ts';
import { cliBin } from '../support/model-server/run-cli.ts';
import { DUMMY_KEY } from '../support/model-server/scripted-run.ts';
import { detectCwd } from '../support/model-server/tools.ts';
import type { Intent, ModelServer, Script, ScriptContext } from '../support/model-server/types.ts';

const CLAUDE = cliBin('claude');
const ROLES = Object.fromEntries(
  ['dev', 'qa', 'sec', 'docs'].map((role) => [
    role,
    { backend: 'claude', binary: CLAUDE, timeoutSeconds: 40 },
  ]),
);
/** Not among the claude backend's own keys: the project passes them by name. */
const PASS_ENV = ['CLAUDE_CODE_MAX_RETRIES', 'CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC'];
const CLAUDE_ENV = { CLAUDE_CODE_MAX_RETRIES: '0', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' };

const EVAL_ADD = 'export function add(a, b) {\n  return eval(a + " + " + b);\n}\n';
const FIXED_ADD = 'export function add(a, b) {\n  return a + b;\n}\n';
const ADD_TEST = [
  "import test from 'node:test';",
  "import assert from 'node:assert/strict';",
  "import { add } from '../src/add.js';",
  '',
  "test('add adds', () => assert.equal(add(2, 3), 5));",
  '',
].join('\n');
const HIGH_FINDING = {
  severity: 'HIGH',
  issue: 'add() builds code from its arguments and runs it with eval',
  file: 'src/add.js',
  line: 2,
  recommendation: 'add the numbers directly',
};

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const report = (path: string, status: 'pass' | 'fail', findingList: unknown[] = []): Intent => ({
  write: { path, content: json({ status, summary: `${path}: ${status}`, findings: findingList }) },
});
/** Claude's Write refuses to overwrite a file it has not read: existing files are changed by the shell. */
const shellWrite = (path: string, content: string, op = '>'): Intent => ({
  bash: { command: `cat ${op} ${path} <<'WH_EOF'\n${content}WH_EOF` },
});

const DEV_FIRST: Script = [
  [
    { write: { path: 'src/add.js', content: EVAL_ADD } },
    { write: { path: 'test/add.test.js', content: ADD_TEST } },
  ],
  { done: 'Added add() with a test.' },
];
const DEV_FIX: Script = [shellWrite('src/add.js', FIXED_ADD), { done: 'add() no longer uses eval.' }];
const QA: Script = [
  { bash: { command: 'node --test' } },
  report('bugs.json', 'pass'),
  { done: 'QA passed.' },
];
const DOCS: Script = [
  shellWrite('README.md', '\n## add(a, b)\n\nReturns a + b.\n', '>>'),
  report('docs_report.json', 'pass'),
  { done: 'Documented add().' },
];

/** SEC judges the code on disk in its worktree: eval is a high finding. */
function secScript(cwd: string | null): Script {
  const file = cwd ? join(cwd, 'src', 'add.js') : null;
  const code = file && existsSync(file) ? readFileSync(file, 'utf8') : '';
  const verdict = code.includes('eval(')
    ? report('security_report.json', 'fail', [HIGH_FINDING])
    : report('security_report.json', 'pass');
  return [verdict, { done: 'Security review written.' }];
}

function team(context: ScriptContext): Script {
  const prompt = context.prompt;
  if (prompt.includes('You are the DEV agent'))
    return /\[high, from sec\]/.test(prompt) ? DEV_FIX : DEV_FIRST;
  if (prompt.includes('You are the QA agent')) return QA;
  if (prompt.includes('You are the SEC agent'))
    return secScript(detectCwd(`${context.system}\n${context.prompt}`));
  if (prompt.includes('You are the DOCS agent')) return DOCS;
  return [{ done: 'Scripted model server: no role marker in the prompt.' }];
}

let world: PipelineWorld | null = null;
let server: ModelServer | null = null;

afterEach(async () => {
  await world?.close();
  await server?.close();
  world = null;
  server = null;
});

async function stageMoves(w: PipelineWorld, runId: number) {
  return (await runEvents(w.database, runId))
    .filter((event) => event.type === 'task.stage_result')
    .map((event) => [event.payload.from, event.payload.to, event.payload.result, event.payload.loop_backs]);
}

describe('Claude Code as the agents of a Workhorse task', () => {
  it('takes a task through dev, qa, sec (a high finding loops back to dev), qa, sec and docs', {
    timeout: 75_000,
  }, async () => {
    server = await startModelServer(team);
    world = await startPipelineWorld({
      ANTHROPIC_BASE_URL: server.url,
      ANTHROPIC_API_KEY: DUMMY_KEY,
      ...CLAUDE_ENV,
    });
    const w = world;
    const { runId, taskId, branch } = await w.startTask({
      name: 'claude-e2e',
      roles: ROLES,
      passEnv: PASS_ENV,
    });
    // Ready for commit, the run asks for its deploy approval in the same transaction.
    await waitFor(
      'the run to await its deploy approval',
      async () => (await getRun(w.database.db, runId)).phase === 'awaiting_approval',
      60_000,
    );

    expect(await stageMoves(w, runId)).toEqual([
      ['dev', 'qa', 'pass', 0],
      ['qa', 'sec', 'pass', 0],
      ['sec', 'dev', 'fail', 1],
      ['dev', 'qa', 'pass', 1],
      ['qa', 'sec', 'pass', 1],
      ['sec', 'docs', 'pass', 1],
      ['docs', 'complete', 'pass', 1],
    ]);
    const [task] = await runTasks(w.database, runId);
    expect(task).toMatchObject({ id: taskId, pipelineStage: 'complete', loopBacks: 1 });

    const stageJobs = (await runJobs(w.database, runId)).filter((job) => job.kind === 'stage');
    expect(stageJobs.map((job) => job.stage)).toEqual(['dev', 'qa', 'sec', 'dev', 'qa', 'sec', 'docs']);
    for (const job of stageJobs) {
      expect(job, job.log).toMatchObject({ state: 'succeeded', backend: 'claude', exitCode: 0, attempt: 1 });
      expect(job.log).toContain('[workhorse] claude as');
      expect(job.log).toContain('"type":"result"');
      // The model server's usage, as Claude reports it in its result line.
      expect(job.inputTokens).toBeGreaterThan(0);
      expect(job.outputTokens).toBeGreaterThan(0);
    }

    const qaLogs = stageJobs.filter((job) => job.stage === 'qa').map((job) => job.log);
    for (const log of qaLogs) {
      // QA ran the tests itself through Claude's Bash tool (node --test: the smoke test and add's test).
      expect(log).toContain('"name":"Bash"');
      expect(log).toMatch(/# pass 2/);
    }

    const found = await w.database.db.select().from(findings).where(eq(findings.runId, runId));
    expect(found.map((f) => [f.taskId, f.source, f.severity, f.file, f.line, f.status])).toEqual([
      [taskId, 'sec', 'high', 'src/add.js', 2, 'fixed'],
    ]);
    expect(found[0]!.issue).toBe(HIGH_FINDING.issue);
    expect(found[0]!.jobId).toBe(stageJobs[2]!.id);

    const taskBranch = taskBranchName(branch, taskId);
    expect(await git(w.repo, ['show', `${taskBranch}:src/add.js`])).toBe(FIXED_ADD.trim());
    expect(await git(w.repo, ['show', `${taskBranch}:test/add.test.js`])).toBe(ADD_TEST.trim());
    expect(await git(w.repo, ['show', `${branch}:src/add.js`])).toBe(FIXED_ADD.trim());
    expect(await git(w.repo, ['show', `${branch}:README.md`])).toContain('## add(a, b)');
    const committed = (await git(w.repo, ['log', '--branches', '--name-only', '--format='])).split('\n');
    for (const file of ['bugs.json', 'security_report.json', 'docs_report.json'])
      expect(committed).not.toContain(file);

    // Every model turn was mapped onto Claude's own tools; nothing but the Anthropic API was called.
    const turns = server.requests.filter((r) => r.role === 'turn');
    expect(turns.filter((r) => r.problem !== null)).toEqual([]);
    expect(turns.filter((r) => r.turn === 0)).toHaveLength(7);
    expect(new Set(turns.map((r) => r.api))).toEqual(new Set(['anthropic']));
  });

  it.each([
    ['no key', 'none'],
    ['a key the server refuses (401)', '401'],
  ] as const)(
    'fails the dev job at once with %s: an authentication error, never a pass',
    {
      timeout: 30_000,
    },
    async (_name, auth) => {
      server = await startModelServer(team, auth === '401' ? { failWith: 401 } : {});
      world = await startPipelineWorld({
        ANTHROPIC_BASE_URL: server.url,
        ...(auth === '401' ? { ANTHROPIC_API_KEY: DUMMY_KEY } : {}),
        ...CLAUDE_ENV,
      });
      const w = world;
      const { runId, taskId } = await w.startTask({
        name: `claude-${auth}`,
        roles: ROLES,
        passEnv: PASS_ENV,
      });
      const failed = await waitFor('the dev job to fail', async () => {
        const [job] = await w.database.db.select().from(jobs).where(eq(jobs.taskId, taskId));
        return job && job.state === 'failed' ? job : null;
      });
      if (auth === 'none') {
        // Found before claude starts: the job fails in a moment with what to set, and claude never ran.
        expect(failed).toMatchObject({ stage: 'dev', attempt: 1, exitCode: null });
        expect(failed.lastError).toMatch(/^claude: no credentials: set ANTHROPIC_API_KEY/);
        expect(failed.log).toContain('[workhorse] not started: claude: no credentials');
      } else {
        expect(failed).toMatchObject({ stage: 'dev', backend: 'claude', attempt: 1, exitCode: 1 });
        expect(failed.lastError).toMatch(/^agent failed: claude: authentication failed/);
      }
      const types = (await runEvents(w.database, runId)).map((event) => event.type);
      expect(types).not.toContain('job.retry_scheduled');
      expect(types).not.toContain('task.stage_result');
      const [task] = await runTasks(w.database, runId);
      expect(task).toMatchObject({ pipelineStage: 'dev', loopBacks: 0 });
      const modelCalls = server.requests.filter((r) => r.role === 'turn' || r.role === 'error');
      if (auth === 'none') expect(modelCalls).toEqual([]);
      else expect(modelCalls.length).toBeGreaterThan(0);
    },
  );
});
