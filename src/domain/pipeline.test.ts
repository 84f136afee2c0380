import { describe, expect, it } from 'vitest';
import { CHECK_KINDS, GATE_COMMANDS, isGate, PIPELINE, stageDefinition } from './pipeline.ts';
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
    expect(PIPELINE.filter((row) => row.mergesOnPass).map((row) => row.stage)).toEqual(['docs']);
    expect(PIPELINE.at(-1)?.mergesOnPass).toBe(true);
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
