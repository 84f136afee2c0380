import { describe, expect, it } from 'vitest';
import {
  boardColumns,
  CHECK_KINDS,
  GATE_COMMANDS,
  isGate,
  MAX_STAGES,
  mergesOnPass,
  PIPELINE,
  resolvePipeline,
  runWorkStages,
  STAGE_NAME,
  stageDefinition,
  workStagesOf,
} from './pipeline.ts';
import { pipelineSchema } from './pipeline-schema.ts';
import { ALL_REPORT_FILES, REPORT_FILES, reportFileOf } from './reports.ts';
import { ROLE_NAMES } from './roles.ts';
import { FINDING_SOURCES } from './severity.ts';
import { STAGES, WORK_STAGES } from './stages.ts';

describe('the pipeline table', () => {
  it('orders the stage machine and names the roles between the PM and the Director', () => {
    expect([...WORK_STAGES]).toEqual(PIPELINE.map((row) => row.stage));
    expect([...STAGES]).toEqual(['none', 'dev', 'qa', 'sec', 'docs', 'complete']);
    expect([...ROLE_NAMES]).toEqual(['pm', 'dev', 'qa', 'sec', 'docs', 'director', 'cicd']);
  });

  it('starts with DEV, whose edits are the change, and only the last stage merges', () => {
    expect(PIPELINE[0]).toMatchObject({ stage: 'dev', edits: 'commit', reportFile: null });
    // DEV resolves what conflicts with the run branch before anything else is judged.
    expect(PIPELINE[0].checks[0]).toBe('conflicts');
    expect(PIPELINE.filter((row) => mergesOnPass(row.stage)).map((row) => row.stage)).toEqual(['docs']);
  });

  it('lets reviewers judge without fixing: QA and SEC set their edits aside', () => {
    expect(PIPELINE.filter((row) => row.edits === 'discard').map((row) => row.stage)).toEqual(['qa', 'sec']);
  });

  it('has a report for every reviewer, filed under its own finding source', () => {
    for (const row of PIPELINE) {
      expect(FINDING_SOURCES).toContain(row.findingSource);
      if (row.reportFile === null) expect(row.findingSource).toBe('gate');
      else expect(row.findingSource).toBe(row.stage);
    }
  });

  it('runs only known checks, the project gates by their command', () => {
    for (const row of PIPELINE) for (const check of row.checks) expect(CHECK_KINDS).toContain(check);
    expect(PIPELINE.flatMap((row) => row.checks.filter(isGate))).toEqual(['lint', 'build', 'test']);
    expect(CHECK_KINDS.filter(isGate).map((check) => GATE_COMMANDS[check])).toEqual([
      'lintCommand',
      'buildCommand',
      'testCommand',
    ]);
    expect(isGate('changes')).toBe(false);
    expect(isGate('conflicts')).toBe(false);
    expect(isGate('docs')).toBe(false);
  });

  it('finds a work stage by name, and refuses anything else', () => {
    expect(stageDefinition('sec')).toBe(PIPELINE[2]);
    for (const other of ['none', 'complete', 'pm', null]) {
      expect(() => stageDefinition(other)).toThrow(`not a work stage of the pipeline: ${other}`);
    }
  });
});

describe('report files', () => {
  it("are the pipeline's and the other roles', each once, and none is DEV's", () => {
    expect([...ALL_REPORT_FILES].sort()).toEqual(
      [
        'bugs.json',
        'security_report.json',
        'docs_report.json',
        'tasks.json',
        'director_report.json',
        'deploy_report.json',
      ].sort(),
    );
    expect(ROLE_NAMES.map((role) => reportFileOf(role))).toEqual([
      REPORT_FILES.pm,
      null,
      'bugs.json',
      'security_report.json',
      'docs_report.json',
      REPORT_FILES.director,
      REPORT_FILES.cicd,
    ]);
    expect(reportFileOf('toString')).toBeNull();
    expect(reportFileOf('nobody')).toBeNull();
  });
});

describe("a project's own pipeline", () => {
  const licence = { stage: 'licence', title: 'Licence', command: 'npx license-checker --onlyAllow MIT' };

  it('resolves built-in names to their rows and a command stage to a row of its own', () => {
    const pipeline = resolvePipeline(pipelineSchema.parse(['dev', 'qa', 'sec', licence, 'docs']));
    expect(workStagesOf(pipeline)).toEqual(['dev', 'qa', 'sec', 'licence', 'docs']);
    expect(pipeline[1]).toBe(stageDefinition('qa'));
    expect(stageDefinition('licence', pipeline)).toEqual({
      stage: 'licence',
      title: 'Licence',
      reportFile: null,
      edits: 'discard',
      checks: ['command'],
      findingSource: 'gate',
      command: licence.command,
    });
    expect(mergesOnPass('docs', pipeline)).toBe(true);
    expect(mergesOnPass('licence', pipeline)).toBe(false);
    expect(() => stageDefinition('licence')).toThrow('not a work stage');
  });

  it('merges after the last stage, whichever it is; a title defaults to the name', () => {
    const pipeline = resolvePipeline(['dev', { stage: 'smoke', command: 'make smoke' }]);
    expect(pipeline[1]?.title).toBe('smoke');
    expect(mergesOnPass('smoke', pipeline)).toBe(true);
    expect(mergesOnPass('dev', pipeline)).toBe(false);
  });

  it('gives the board a column per stage between the waiting and the complete tasks', () => {
    expect(boardColumns(null)).toEqual([
      { stage: 'none', title: 'Waiting' },
      { stage: 'dev', title: 'Dev' },
      { stage: 'qa', title: 'QA' },
      { stage: 'sec', title: 'Sec' },
      { stage: 'docs', title: 'Docs' },
      { stage: 'complete', title: 'Complete' },
    ]);
    expect(
      boardColumns(['dev', { stage: 'smoke', title: 'Smoke', command: 'make smoke' }]).map((c) => c.title),
    ).toEqual(['Waiting', 'Dev', 'Smoke', 'Complete']);
  });

  it('is the built-in pipeline when a run or project declares none', () => {
    expect(resolvePipeline(null)).toBe(PIPELINE);
    expect(resolvePipeline(undefined)).toBe(PIPELINE);
    expect(resolvePipeline([])).toBe(PIPELINE);
    expect(runWorkStages({ pipeline: null })).toEqual(['dev', 'qa', 'sec', 'docs']);
    expect(runWorkStages({ pipeline: ['dev', 'qa'] })).toEqual(['dev', 'qa']);
  });

  function problems(value: unknown): string[] {
    const result = pipelineSchema.safeParse(value);
    return result.success
      ? []
      : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  }

  it('accepts reordering, dropping and adding stages', () => {
    expect(problems(['dev', 'sec', 'qa'])).toEqual([]);
    expect(problems(['dev'])).toEqual([]);
    expect(problems(['dev', 'qa', 'sec', licence, 'docs'])).toEqual([]);
  });

  it('refuses a pipeline that does not start with dev, repeats a stage or takes a reserved name', () => {
    expect(problems(['qa', 'dev'])).toEqual([
      '0: the pipeline starts with dev, the stage that makes the change',
    ]);
    expect(problems(['dev', 'qa', 'qa'])).toEqual(['2: stage qa appears twice']);
    expect(problems(['dev', licence, licence])).toEqual(['2: stage licence appears twice']);
    for (const taken of ['qa', 'none', 'complete', 'pm', 'director', 'cicd'])
      expect(problems(['dev', { stage: taken, command: 'true' }])).toEqual([
        `1.stage: ${taken} is taken: name a project stage something other than a built-in stage or role`,
      ]);
  });

  it('refuses bad names, empty commands, unknown keys and too many stages', () => {
    expect(problems([])).toHaveLength(1);
    expect(problems(['dev', 'review'])).toHaveLength(1);
    expect(problems(['dev', { stage: 'Bad Name', command: 'true' }])).toHaveLength(1);
    expect(problems(['dev', { stage: 'x'.repeat(32), command: 'true' }])).toHaveLength(1);
    expect(problems(['dev', { stage: 'ok', command: '  ' }])).toHaveLength(1);
    expect(problems(['dev', { stage: 'ok', command: 'true', agent: 'goose' }])).toHaveLength(1);
    const many = Array.from({ length: MAX_STAGES }, (_, n) => ({ stage: `s${n}`, command: 'true' }));
    expect(problems(['dev', ...many.slice(1)])).toEqual([]);
    expect(problems(['dev', ...many])).toHaveLength(1);
  });

  it('names stages as the database accepts them', () => {
    for (const name of ['dev', 'licence', 'a', 'smoke-test-2', 'x'.repeat(31)])
      expect(STAGE_NAME.test(name)).toBe(true);
    for (const name of ['', 'Dev', '2fa', '-x', 'a b', 'x'.repeat(32), 'dev\n'])
      expect(STAGE_NAME.test(name)).toBe(false);
  });
});
