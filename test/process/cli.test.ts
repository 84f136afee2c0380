/**
 * The `wh` client commands as a user runs them: real child processes against a real `wh serve` (PGlite in a
 * temporary data folder, ephemeral port) and a real git repository. Listings parse as the API's JSON with
 * `--json`; a bad id, a bad stage, a bad option or a server that is not there is one line on stderr and a
 * meaningful exit code (1 failed, 2 usage), never a stack trace.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git } from '../../src/worker/git.ts';
import { commitRepo } from '../support/git.ts';
import { planOne } from '../support/release-recipe.ts';
import { killChildren, type Started, startServe, stop, tempDir, wh, within } from '../support/wh-process.ts';

let server: Started;
let dataDir: string;
let repo: string;

beforeAll(async () => {
  const root = tempDir();
  dataDir = join(root, 'data');
  repo = join(root, 'repo');
  await git(root, ['init', '-q', '-b', 'main', repo]);
  writeFileSync(join(repo, 'README.md'), '# sample\n');
  await commitRepo(repo, 'initial');
  server = await startServe(dataDir);
}, 60_000);

afterAll(async () => {
  if (server) await stop(server.wh);
  killChildren();
});

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `wh <args>` against the test server, given its address and token as flags. */
async function cli(args: string[], env: Record<string, string> = {}): Promise<Result> {
  const run = wh(['--url', server.base, '--token', server.token, ...args], env);
  const exit = await within(run.exited, 30_000, `wh ${args.join(' ')}`);
  return { code: exit.code, stdout: run.stdout(), stderr: run.stderr() };
}

function expectOneLineError(result: Result, code: number, pattern: RegExp): void {
  expect(result.code).toBe(code);
  expect(result.stdout).toBe('');
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(result.stderr.trimEnd()).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('wh client commands', () => {
  it('registers a project, starts a run, adds a task and moves it, all through the API', async () => {
    const added = await cli(['project', 'add', 'sample', repo, '--test', 'true', '--json']);
    expect(added.code).toBe(0);
    const project = JSON.parse(added.stdout) as { id: number; name: string; test_command: string };
    expect(project).toMatchObject({ name: 'sample', test_command: 'true' });

    const listed = await cli(['project', 'list']);
    expect(listed.stdout).toMatch(/^ID\s+NAME\s+BRANCH/m);
    expect(listed.stdout).toMatch(new RegExp(`^${project.id}\\s+sample\\s+main`, 'm'));

    const started = await cli([
      'run',
      'start',
      'sample',
      'Add a health endpoint',
      '--skip-planning',
      '--json',
    ]);
    expect(started.code).toBe(0);
    const run = JSON.parse(started.stdout) as { id: number; project_id: number; goal: string };
    expect(run).toMatchObject({ project_id: project.id, goal: 'Add a health endpoint' });

    const task = await cli([
      'task',
      'add',
      String(run.id),
      'Add GET /health',
      '--acceptance',
      'answers 200',
      '--json',
    ]);
    expect(task.code).toBe(0);
    const taskId = (JSON.parse(task.stdout) as { id: number }).id;

    const noted = await cli(['task', 'note', String(taskId), 'Use the existing router']);
    expect(noted.stdout).toMatch(
      new RegExp(`^note \\d+ left on task ${taskId}: its next agent gets it$`, 'm'),
    );
    const diff = await cli(['task', 'diff', String(taskId)]);
    expect(diff.stdout).toBe(`task ${taskId} has no branch yet (it has not been through dev)\n`);

    const moved = await cli(['task', 'set-stage', String(taskId), 'qa']);
    expect(moved.code).toBe(0);
    expect(moved.stdout).toMatch(new RegExp(`^task ${taskId}: \\S+ -> qa`));
    const failed = await cli(['task', 'advance', String(taskId), 'fail', '--notes', 'no test for /health']);
    expect(failed.stdout).toMatch(new RegExp(`^task ${taskId}: qa -> dev \\(sent back\\)`));

    const shown = await cli(['task', 'show', String(taskId), '--json']);
    expect(JSON.parse(shown.stdout)).toMatchObject({ id: taskId, pipeline_stage: 'dev', loop_backs: 1 });
    const human = await cli(['task', 'show', String(taskId)]);
    expect(human.stdout).toMatch(/^title:\s+Add GET \/health$/m);
    expect(human.stdout).toMatch(/^ {2}- answers 200$/m);

    const runs = JSON.parse((await cli(['run', 'list', '--json'])).stdout) as {
      items: { id: number }[];
      total: number;
    };
    expect(runs.items.map((item) => item.id)).toContain(run.id);
    const tasks = JSON.parse((await cli(['task', 'list', '--run', String(run.id), '--json'])).stdout) as {
      total: number;
    };
    expect(tasks.total).toBe(1);

    const paused = await cli(['run', 'pause', String(run.id)]);
    expect(paused.stdout).toBe(`run ${run.id} paused (phase ${'building'})\n`);
    const resumed = await cli(['run', 'resume', String(run.id), '--json']);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ id: run.id, paused: false });
  }, 180_000);

  it('approves a budget pause with raised limits, wall time among them, and keeps the limits it does not name', async () => {
    const recipe = join(tempDir(), 'recipe.json');
    writeFileSync(recipe, JSON.stringify({ steps: [planOne('answer')] }));
    const settings = {
      roles: { pm: { backend: 'scripted' } },
      scriptedRecipe: recipe,
      sandbox: { network: 'none' },
      // The PM's report (100 input tokens) is past this at once; its wall time is far below.
      budget: { tokens: 1, wallSeconds: 1_000_000 },
    };
    const project = await cli(['project', 'add', 'budgeted', repo, '--settings', JSON.stringify(settings)]);
    expect(project.code).toBe(0);
    const started = await cli(['run', 'start', 'budgeted', 'Add answer on a budget', '--json']);
    const runId = String((JSON.parse(started.stdout) as { id: number }).id);
    expect((await cli(['run', 'trigger', runId, '--role', 'pm'])).code).toBe(0);

    const pending = async () => {
      const listed = await cli(['approvals', '--run', runId, '--state', 'pending', '--json']);
      return (JSON.parse(listed.stdout) as { items: { id: number; kind: string }[] }).items;
    };
    let approval: { id: number; kind: string } | undefined;
    for (let tries = 0; !approval && tries < 60; tries += 1) {
      [approval] = await pending();
      if (!approval) await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    expect(approval).toMatchObject({ kind: 'budget' });
    const id = String(approval!.id);

    // Raising only the wall time leaves the token limit spent: refused, and the run stays paused.
    expectOneLineError(await cli(['approve', id, '--wall-seconds', '2000000']), 1, /already spent/);
    expectOneLineError(await cli(['approve', id, '--wall-seconds', '0']), 2, /expected a number of seconds/);
    const approved = await cli(['approve', id, '--tokens', '1000000', '--wall-seconds', '3600', '--json']);
    expect(approved.code).toBe(0);
    expect(JSON.parse(approved.stdout)).toMatchObject({ id: approval!.id, state: 'approved' });

    const run = JSON.parse((await cli(['run', 'show', runId, '--json'])).stdout) as Record<string, unknown>;
    expect(run).toMatchObject({ paused: false, budget: { tokens: 1_000_000, wall_seconds: 3600 } });
    expect((await cli(['run', 'show', runId])).stdout).toMatch(
      /^own budget:\s+1000000 tokens \/ 60m of wall time$/m,
    );
    await cli(['run', 'kill', runId]);
  }, 120_000);

  it('says in one line what went wrong, with exit 1 for a refused operation and 2 for a bad command line', async () => {
    expectOneLineError(
      await cli(['run', 'show', '999999']),
      1,
      /^wh: run 999999 not found \(WH_RUN_NOT_FOUND\)$/,
    );
    expectOneLineError(await cli(['approve', '999999']), 1, /not found \(WH_\w+\)$/);
    expectOneLineError(await cli(['run', 'show', 'abc']), 2, /expected an id/);
    expectOneLineError(await cli(['job', 'list', '--state', 'sleeping']), 2, /expected one of held, queued/);
    expectOneLineError(
      await cli(['run', 'start', 'no-such-project', 'goal']),
      1,
      /no project named "no-such-project"/,
    );
    expectOneLineError(await cli(['project', 'edit', '1']), 2, /^wh: nothing to change/);
    const badStage = await cli(['task', 'set-stage', '1', 'nowhere']);
    expect(badStage.code).toBe(1);
    expect(badStage.stderr).toMatch(/^wh: .*nowhere.* \(WH_\w+\)\n$/);
    const unknownCommand = await cli(['frobnicate']);
    expect(unknownCommand.code).toBe(2);
  }, 120_000);

  it('subscribes a webhook, shows its secret once, sends it a test event and removes it', async () => {
    expectOneLineError(
      await cli(['webhook', 'add', 'http://127.0.0.1:9/hook']),
      1,
      /WH_WEBHOOK_ALLOW_PRIVATE=true.*\(WH_VALIDATION_FAILED\)$/,
    );
    const added = await cli([
      'webhook',
      'add',
      'https://hooks.example.invalid/wh',
      '--events',
      'run.created,task.stage_advanced',
    ]);
    expect(added.code).toBe(0);
    const [, id] = added.stdout.match(/^subscription (\d+) to https:\/\/hooks\.example\.invalid\/wh$/m) ?? [];
    expect(added.stdout).toMatch(/^signing secret \(shown once\): whsec_\S+$/m);
    const listed = await cli(['webhook', 'list']);
    expect(listed.stdout).toMatch(
      new RegExp(`^${id}\\s+yes\\s+run\\.created,task\\.stage_advanced\\s+all\\s+https://hooks`, 'm'),
    );
    expect(listed.stdout).not.toContain('whsec_');
    const tested = await cli(['webhook', 'test', id!]);
    expect(tested.stdout).toMatch(new RegExp(`^test event \\d+ queued for subscription ${id}`));
    expect((await cli(['webhook', 'remove', id!])).stdout).toBe(`removed subscription ${id}\n`);
    expect((await cli(['webhook', 'list'])).stdout).toBe('no subscriptions\n');
  }, 120_000);

  it('refuses without a token, and names the server it cannot reach', async () => {
    const anonymous = wh(['--url', server.base, 'run', 'list'], { WH_DATA_DIR: tempDir() });
    const exit = await within(anonymous.exited, 30_000, 'wh run list without a token');
    expect(exit.code).toBe(1);
    expect(anonymous.stderr()).toMatch(/\(WH_\w*(UNAUTHORI[SZ]ED|AUTH)\w*\)\n$/);

    const unreachable = wh(['--url', 'http://127.0.0.1:9', 'status'], {});
    await within(unreachable.exited, 30_000, 'wh status against nothing');
    expect(unreachable.stderr()).toBe(
      'wh: cannot reach Workhorse at http://127.0.0.1:9 (is `wh serve` running? set --url or WH_URL) (unreachable)\n',
    );
  });

  it('finds the local server and its admin token through the data folder, with no flags', async () => {
    const local = wh(['status', '--json'], { WH_DATA_DIR: dataDir });
    const exit = await within(local.exited, 30_000, 'wh status (local)');
    expect(exit.code).toBe(0);
    expect(JSON.parse(local.stdout())).toMatchObject({ database: 'pglite', connection: { reachable: true } });
  });

  it("sends the data folder's admin token only to the server that data folder records", async () => {
    // Another server: it notes what each request carried and refuses it, as the API refuses no token.
    const carried: (string | undefined)[] = [];
    const other = createServer((request, response) => {
      carried.push(request.headers.authorization);
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ error: { code: 'WH_UNAUTHENTICATED', message: 'a valid API token is required' } }),
      );
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    try {
      const byFlag = wh(['--url', otherUrl, 'run', 'list'], { WH_DATA_DIR: dataDir });
      const byEnvironment = wh(['run', 'list'], { WH_DATA_DIR: dataDir, WH_URL: otherUrl });
      for (const [run, what] of [
        [byFlag, 'wh --url <other> run list'],
        [byEnvironment, 'WH_URL=<other> wh run list'],
      ] as const) {
        const exit = await within(run.exited, 30_000, what);
        expectOneLineError(
          { code: exit.code, stdout: run.stdout(), stderr: run.stderr() },
          1,
          /^wh: a valid API token is required: pass --token or set WH_TOKEN \(WH_UNAUTHENTICATED\)$/,
        );
      }
      expect(carried).toEqual([undefined, undefined]);
    } finally {
      other.close();
    }

    // A data folder that records another server keeps its token (here one this server would accept).
    const elsewhere = join(tempDir(), 'data');
    mkdirSync(elsewhere);
    writeFileSync(join(elsewhere, 'admin-token'), `${server.token}\n`);
    writeFileSync(join(elsewhere, 'server-url'), `${otherUrl}\n`);
    const withheld = wh(['--url', server.base, 'run', 'list'], { WH_DATA_DIR: elsewhere });
    const refused = await within(withheld.exited, 30_000, 'wh run list with another server recorded');
    expectOneLineError(
      { code: refused.code, stdout: withheld.stdout(), stderr: withheld.stderr() },
      1,
      /: pass --token or set WH_TOKEN \(WH_UNAUTHENTICATED\)$/,
    );

    // The recorded server by another loopback name (it records localhost; this is 127.0.0.1) is the same one.
    const recorded = wh(['--url', server.base, 'run', 'list', '--json'], { WH_DATA_DIR: dataDir });
    expect((await within(recorded.exited, 30_000, 'wh --url <recorded server> run list')).code).toBe(0);
  });

  it('completes commands and options from the command tree', async () => {
    const words = wh(['__complete', 'run'], {});
    await within(words.exited, 30_000, 'wh __complete run');
    expect(words.stdout().split('\n')).toEqual(expect.arrayContaining(['start', 'list', 'kill', 'pipeline']));
    const script = wh(['completion', 'bash'], {});
    await within(script.exited, 30_000, 'wh completion bash');
    expect(script.stdout()).toContain('complete -o default -F _wh_complete wh');
  });
});
