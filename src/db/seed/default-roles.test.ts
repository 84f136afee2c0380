import { describe, expect, it } from 'vitest';
import { ROLE_NAMES, type RoleName } from '../../domain/roles.ts';
import { loadDefaultRoleConfigs } from './default-roles.ts';

const PLACEHOLDERS = new Set([
  '{{goal}}',
  '{{task.title}}',
  '{{task.description}}',
  '{{task.acceptance}}',
  '{{findings}}',
  '{{director_notes}}',
  '{{project.test_command}}',
]);
const SEVERITIES = ['critical', 'high', 'medium', 'low'];

const configs = loadDefaultRoleConfigs();

function promptOf(role: RoleName): string {
  const config = configs.find((c) => c.role === role);
  if (!config) throw new Error(`no default config for role ${role}`);
  return config.prompt;
}

describe('default role configs', () => {
  it('loads one config for every role, in order', () => {
    expect(configs.map((c) => c.role)).toEqual([...ROLE_NAMES]);
  });

  it.each(ROLE_NAMES)('%s has a non-trivial prompt and default settings', (role) => {
    const config = configs.find((c) => c.role === role)!;
    expect(config.prompt.length).toBeGreaterThan(800);
    expect(config.settings).toMatchObject({ backend: 'goose', model: null, timeoutSeconds: null });
  });

  it.each(ROLE_NAMES)('%s mentions its report file, if it has one', (role) => {
    const { reportFile } = configs.find((c) => c.role === role)!.settings;
    if (reportFile !== null) expect(promptOf(role)).toContain(reportFile);
  });

  it('gives every role except dev a report file', () => {
    const withoutReport = configs.filter((c) => c.settings.reportFile === null).map((c) => c.role);
    expect(withoutReport).toEqual(['dev']);
  });

  it.each(ROLE_NAMES)('%s uses only placeholders Workhorse fills in', (role) => {
    const used = promptOf(role).match(/\{\{[^}]*\}\}/g) ?? [];
    expect(used.filter((p) => !PLACEHOLDERS.has(p))).toEqual([]);
  });

  it('tells the pm about blocked_by', () => {
    expect(promptOf('pm')).toContain('blocked_by');
  });

  it.each(['qa', 'sec'] as const)('%s names all four severities as values', (role) => {
    // Quoted, so that "follow" does not count as naming `low`.
    for (const severity of SEVERITIES) expect(promptOf(role)).toMatch(new RegExp(`[\`"]${severity}[\`"]`));
  });

  it('gives dev the findings to fix', () => {
    expect(promptOf('dev')).toContain('{{findings}}');
  });
});
