/** The job handlers a Workhorse process runs, and whether its agents can be confined. */
import type { Logger } from 'pino';
import { configuredBackendProblem, findBackends } from '../agents/backend-check.ts';
import { bubblewrapProblem, findBubblewrap, type SandboxStatus } from '../agents/sandbox.ts';
import type { Settings } from '../config/settings.ts';
import type { Queryable } from '../db/client.ts';
import { configuredAgents } from '../services/configured-agents.ts';
import type { HandlerRegistry } from '../worker/handler.ts';
import { createAgentHandlers } from '../worker/handlers/agents.ts';
import { BUILTIN_HANDLERS } from '../worker/handlers/index.ts';

/** Whether agents can be confined here, found once at start. */
export function detectSandbox(
  settings: Pick<Settings, 'allowUnsandboxed'>,
  path = process.env.PATH,
): SandboxStatus {
  const bwrap = findBubblewrap(path);
  const problem = bwrap
    ? bubblewrapProblem(bwrap)
    : 'bubblewrap (bwrap) is not installed (Debian/Ubuntu: apt install bubblewrap)';
  return {
    available: problem === null,
    bwrap: problem === null ? bwrap : null,
    problem:
      problem === null ? null : bwrap ? `bubblewrap cannot create a sandbox here: ${problem}` : problem,
    allowUnsandboxed: settings.allowUnsandboxed,
  };
}

/** One line for the server's log: what agents get here. */
export function describeSandbox(sandbox: SandboxStatus): string {
  if (sandbox.available) return `agents are confined by bubblewrap (${sandbox.bwrap})`;
  return sandbox.allowUnsandboxed
    ? `${sandbox.problem}: agents run UNCONFINED (WH_ALLOW_UNSANDBOXED=true): they can read and change anything this server can`
    : `${sandbox.problem}: agents will not start, except in projects that accept running unconfined (sandbox.allowUnsandboxed); WH_ALLOW_UNSANDBOXED=true accepts it everywhere`;
}

export function logSandbox(sandbox: SandboxStatus, logger: Logger): void {
  if (sandbox.available) logger.info(describeSandbox(sandbox));
  else logger.warn(describeSandbox(sandbox));
}

/**
 * Warns, one line per backend, about every agent a role is configured to run that cannot start here (not
 * installed, no key where the backend can tell), and starts finding the installed CLIs' versions for
 * `/api/status`, so its first answer need not wait for them.
 */
export async function checkConfiguredAgents(
  db: Queryable,
  logger: Logger,
  host: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  void findBackends(host.PATH);
  for (const agent of await configuredAgents(db)) {
    const problem = configuredBackendProblem(agent, host);
    if (problem)
      logger.warn(
        { backend: agent.backend, usedBy: agent.usedBy },
        `agent backend ${agent.backend} cannot start here, and jobs of ${agent.usedBy.join(', ')} will fail: ${problem}`,
      );
  }
}

export function workerHandlers(
  settings: Settings,
  sandbox: SandboxStatus,
  extra: HandlerRegistry = {},
): HandlerRegistry {
  return Object.freeze({
    ...BUILTIN_HANDLERS,
    ...createAgentHandlers({
      workspace: settings.dataDir,
      llmTimeoutSeconds: settings.llmTimeoutSeconds,
      autoTriggerAgents: settings.autoTriggerAgents,
      bwrap: sandbox.bwrap,
      allowUnsandboxed: sandbox.allowUnsandboxed,
    }),
    ...extra,
  });
}
