/**
 * The codex backend's parser on the real codex 0.169 output: a patch codex could not write (bubblewrap
 * installed, CODEX_HOME under TMPDIR, so its sandbox helpers are missing) exits 0, and must not count as a
 * successful run; a command that exits non-zero is the agent's business and leaves the run ok.
 */
import { describe, expect, it } from 'vitest';
import { codexBackend } from '../../src/agents/backends/codex.ts';
import { bubblewrapWorks, findBubblewrap } from '../../src/agents/sandbox.ts';
import { codexSetup } from '../support/model-server/clis.ts';
import {
  describeRun,
  runScripted,
  type ScriptedRun,
  WRITE_HELLO,
} from '../support/model-server/scripted-run.ts';

const TIMEOUT = 60_000;
const BWRAP = findBubblewrap();
/** The verified failure needs a working bubblewrap: without one, codex writes the file. */
const PATCH_FAILS_HERE = BWRAP !== null && bubblewrapWorks(BWRAP);

function summarize(result: ScriptedRun) {
  const parser = codexBackend.createParser();
  for (const line of result.run.stdout.split('\n')) if (line.trim()) parser.line(line);
  return parser.finish(result.run.exitCode);
}

describe('the codex backend on real codex output', () => {
  it.skipIf(!PATCH_FAILS_HERE)(
    'is not ok when codex exits 0 after its patch failed',
    { timeout: TIMEOUT },
    async () => {
      const result = await runScripted({
        // TMPDIR holding CODEX_HOME: codex refuses to create its sandbox helpers there.
        setup: (ws, options) => {
          const setup = codexSetup(ws, options);
          return { ...setup, env: { ...setup.env, TMPDIR: ws.home } };
        },
        script: WRITE_HELLO,
        read: ['hello.txt'],
      });
      expect(result.run.exitCode, describeRun(result)).toBe(0);
      expect(result.files['hello.txt']).toBeNull();
      const summary = summarize(result);
      expect(summary.ok).toBe(false);
      expect(summary.error).toMatch(
        /^codex: not carried out: file change \(add \/\S+\/hello\.txt\) failed \(item item_\d+\) \(exit code 0\)$/,
      );
    },
  );

  it('stays ok when a command it ran exited non-zero', { timeout: TIMEOUT }, async () => {
    const result = await runScripted({
      setup: codexSetup,
      script: [{ bash: { command: 'echo out; exit 3' } }, { done: 'The command failed, as expected.' }],
    });
    expect(result.run.exitCode, describeRun(result)).toBe(0);
    expect(summarize(result)).toMatchObject({ ok: true, error: null });
  });
});
