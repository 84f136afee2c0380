/** The job handlers a Workhorse process runs, and whether its agents can be confined. */
import type { Logger } from 'pino';
import { bubblewrapWorks, findBubblewrap } from '../agents/sandbox.ts';
import type { Settings } from '../config/settings.ts';
import type { HandlerRegistry } from '../worker/handler.ts';
import { createAgentHandlers } from '../worker/handlers/agents.ts';
import { BUILTIN_HANDLERS } from '../worker/handlers/index.ts';

export function sandboxExecutable(logger: Logger): string | null {
  const bwrap = findBubblewrap();
  if (bwrap && bubblewrapWorks(bwrap)) return bwrap;
  logger.warn(
    bwrap
      ? 'bubblewrap is installed but cannot create a sandbox here: agents run unconfined (only their environment is filtered)'
      : 'bubblewrap (bwrap) is not installed: agents run unconfined (only their environment is filtered); install bubblewrap to confine them to their worktree',
  );
  return null;
}

export function workerHandlers(
  settings: Settings,
  logger: Logger,
  extra: HandlerRegistry = {},
): HandlerRegistry {
  return Object.freeze({
    ...BUILTIN_HANDLERS,
    ...createAgentHandlers({
      workspace: settings.dataDir,
      llmTimeoutSeconds: settings.llmTimeoutSeconds,
      autoTriggerAgents: settings.autoTriggerAgents,
      bwrap: sandboxExecutable(logger),
    }),
    ...extra,
  });
}
