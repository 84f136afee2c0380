/**
 * Prompt assembly: the role's prompt from the database with the work filled in: the goal, the task with
 * its description and every acceptance criterion, the findings that sent it back (where, and what to do),
 * the Director's notes and the test command. A placeholder nobody knows stays visible.
 */
import { describe, expect, it } from 'vitest';
import { buildPrompt, formatFindings } from './prompt.ts';

const ROLE =
  'Goal: {{goal}}\nTask: {{ task.title }}\n{{task.description}}\nAccept when:\n{{task.acceptance}}\nFindings:\n{{findings}}\nNotes:\n{{director_notes}}\nTest: {{project.test_command}}\nOdd: {{ nobody.knows }}';

describe('buildPrompt', () => {
  it('fills in the goal, the task, every acceptance criterion, the findings, the notes and the test command', () => {
    const prompt = buildPrompt({
      rolePrompt: ROLE,
      goal: 'Add a health endpoint',
      task: { title: 'GET /health', description: 'Return 200.', acceptance: ['returns 200', 'has a test'] },
      findings: [
        {
          severity: 'high',
          issue: 'no test',
          file: 'src/health.js',
          line: 4,
          recommendation: 'add one',
          source: 'qa',
        },
      ],
      directorNotes: ['write the test first'],
      testCommand: 'npm test',
    });
    expect(prompt).toBe(
      [
        'Goal: Add a health endpoint',
        'Task: GET /health',
        'Return 200.',
        'Accept when:',
        '- returns 200',
        '- has a test',
        'Findings:',
        '1. [high, from qa] no test (src/health.js:4)',
        '   Recommendation: add one',
        'Notes:',
        '- write the test first',
        'Test: npm test',
        'Odd: {{ nobody.knows }}',
      ].join('\n'),
    );
  });

  it('says plainly what is missing: no task, no description, no criteria, no findings, no test command', () => {
    const prompt = buildPrompt({
      rolePrompt: ROLE,
      goal: 'g',
      task: null,
      findings: [],
      directorNotes: [],
      testCommand: null,
    });
    expect(prompt).toContain('Task: (no task: this is run-level work)');
    expect(prompt).toContain('(no description)');
    expect(prompt).toContain('(none given)');
    expect(prompt).toContain('Findings:\nNone.');
    expect(prompt).toContain('Notes:\nNone.');
    expect(prompt).toContain('Test: (the project has no test command configured)');
  });
});

describe('the merge conflicts section', () => {
  const input = {
    rolePrompt: 'Task: {{task.title}}\nFindings:\n{{findings}}',
    goal: 'g',
    task: { title: 'Add a sum', description: '', acceptance: [] },
    findings: [],
    directorNotes: [],
    testCommand: null,
  };

  it('is appended after the role prompt, naming the run branch and every conflicted file', () => {
    const prompt = buildPrompt({
      ...input,
      mergeConflicts: { runBranch: 'wh/run-4', files: ['README.md', 'src/{{goal}}.js'] },
    });
    expect(
      prompt.startsWith('Task: Add a sum\nFindings:\nNone.\n\n## Merge conflicts to resolve first\n'),
    ).toBe(true);
    expect(prompt).toContain("Workhorse merged the run branch `wh/run-4` into this task's branch");
    // A file name is listed as it is, never filled in as a placeholder.
    expect(prompt).toContain('\n- README.md\n- src/{{goal}}.js\n');
    expect(prompt).toContain('remove every marker line');
  });

  it('is left out when no merge conflicts', () => {
    expect(buildPrompt({ ...input, mergeConflicts: null })).toBe('Task: Add a sum\nFindings:\nNone.');
    expect(buildPrompt(input)).not.toContain('Merge conflicts');
  });
});

describe('formatFindings', () => {
  it('numbers findings and shows their place only as far as it is known', () => {
    const base = { severity: 'low', issue: 'i', recommendation: '', source: 'sec' };
    expect(
      formatFindings([
        { ...base, file: null, line: null },
        { ...base, file: 'a.js', line: null },
      ]),
    ).toBe('1. [low, from sec] i\n2. [low, from sec] i (a.js)');
  });
});
