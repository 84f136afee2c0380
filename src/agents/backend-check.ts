/**
 * Which agent CLIs this machine has, their versions, and whether one configured for a role can start:
 * installed, and keyed where the backend can tell (its own credential check, as the runner makes it before
 * a job). A version is found once per executable and kept: a probe starts a process.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentSettings } from '../domain/agent-settings.ts';
import { BACKENDS } from './backends/index.ts';
import { agentEnvironment } from './environment.ts';
import { findExecutable } from './executables.ts';
import type { AgentBackend } from './types.ts';

/** A version probe that takes longer than this reports no version: some CLIs start slowly. */
const VERSION_TIMEOUT_MS = 5000;

export interface BackendFound {
  name: string;
  /** Where its executable is, or null when it is not installed here. */
  path: string | null;
  /** The first line of `<cli> --version`, or null when it gave none. */
  version: string | null;
}

const versions = new Map<string, Promise<string | null>>();

function probeVersion(path: string): Promise<string | null> {
  let known = versions.get(path);
  if (!known) {
    // Any program found on PATH is probed: it gets what a program needs to run, not the server's secrets.
    const env = agentEnvironment({ host: process.env, backendKeys: [], projectKeys: [], fixed: {} });
    known = new Promise((resolve) => {
      execFile(path, ['--version'], { timeout: VERSION_TIMEOUT_MS, env }, (error, stdout) => {
        const line = String(stdout).trim().split('\n', 1)[0]?.trim() ?? '';
        resolve(error || !line ? null : line.slice(0, 120));
      });
    });
    versions.set(path, known);
  }
  return known;
}

/** The CLIs people pick for a role (the scripted and command backends are not installed programs). */
function installableBackends(): AgentBackend[] {
  return Object.values(BACKENDS).filter((backend) => backend.name !== 'scripted' && backend.defaultBinary);
}

/** How long one look along PATH stands: `/api/status` is polled (the dashboard, `wh watch`, health checks). */
const LOOKUP_KEPT_MS = 30_000;

let lastLookup: { path: string; at: number; found: Promise<BackendFound[]> } | null = null;

/** Every installable backend, whether it is on PATH here, and its version. */
export function findBackends(path = process.env.PATH ?? '', now = Date.now()): Promise<BackendFound[]> {
  if (lastLookup && lastLookup.path === path && now - lastLookup.at < LOOKUP_KEPT_MS) return lastLookup.found;
  const found = Promise.all(
    installableBackends().map(async (backend) => {
      const executable = findExecutable(backend.defaultBinary, path);
      return {
        name: backend.name,
        path: executable,
        version: executable ? await probeVersion(executable) : null,
      };
    }),
  );
  lastLookup = { path, at: now, found };
  return found;
}

/** Why a configured backend cannot start here (unknown, not installed, no key), or null when it can. */
export function configuredBackendProblem(
  configured: AgentSettings,
  host: NodeJS.ProcessEnv = process.env,
): string | null {
  const backend = Object.hasOwn(BACKENDS, configured.backend) ? BACKENDS[configured.backend] : undefined;
  if (!backend) return `unknown agent backend ${JSON.stringify(configured.backend)}`;
  const program = configured.binary ?? backend.defaultBinary;
  if (!program) return null;
  if (!findExecutable(program, host.PATH ?? ''))
    return `${program} is not installed here (not found on PATH); install it, or set the role's binary`;
  const env = agentEnvironment({ host, backendKeys: backend.envKeys, projectKeys: [], fixed: {} });
  const home = host.HOME ?? '';
  return backend.credentialProblem({
    env,
    hasHomeFile: (rel) => home !== '' && existsSync(join(home, rel)),
    readHomeFile: (rel) =>
      home && existsSync(join(home, rel)) ? readFileSync(join(home, rel), 'utf8') : null,
    endpoint: configured.endpoint,
    model: configured.model,
  });
}
