/** Every `wh doctor` check, in the order a person fixes them: machine first, then the database. */
import type { Settings } from '../config/settings.ts';
import type { Check } from './check.ts';
import { checkDatabase } from './database.ts';
import { checkDisk, checkGit, checkNode, checkSandbox } from './machine.ts';

export function machineChecks(settings: Pick<Settings, 'allowUnsandboxed' | 'dataDir'>): Check[] {
  return [checkNode(), ...checkGit(), checkSandbox(settings.allowUnsandboxed), checkDisk(settings.dataDir)];
}

/** What `wh serve` checks at start beyond what it finds by starting (the sandbox, the database). */
export function startChecks(settings: Pick<Settings, 'dataDir'>): Check[] {
  return [checkNode(), ...checkGit(), checkDisk(settings.dataDir)];
}

export async function runDoctor(settings: Settings): Promise<Check[]> {
  return [...machineChecks(settings), await checkDatabase(settings)];
}

/** `wh serve`'s short form: one line, naming only what is not right. */
export function summarizeChecks(checks: readonly Check[]): string {
  const problems = checks.filter((check) => check.level !== 'ok');
  if (problems.length === 0) return `Doctor: all ${checks.length} checks ok`;
  const named = problems.map((check) => `${check.name} ${check.level === 'fail' ? 'FAILED' : 'warns'}`);
  return `Doctor: ${named.join(', ')} (run wh doctor for the fixes)`;
}
