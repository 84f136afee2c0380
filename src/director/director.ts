/**
 * The Director: every few seconds, if it is on and this process holds its lease, it runs every rule and
 * applies what they propose through the services. A rule that fails is logged and the others go on; a
 * proposal already applied (by this or another Director) changes nothing.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Db } from '../db/client.ts';
import { type DirectorRuleSettings, ruleConfig } from '../domain/director.ts';
import { taskBranchName } from '../domain/git-names.ts';
import type { ServiceContext } from '../services/context.ts';
import {
  applyIntervention,
  getDirectorState,
  type Intervention,
  releaseDirectorLease,
  takeDirectorLease,
} from '../services/director.ts';
import { type PassedStage, passedStageJobs } from '../services/director-reads.ts';
import { inRepository, inRepositoryOk, openRepository, type Repository } from '../worker/git.ts';
import { repositoryPath } from '../worker/repository.ts';
import { type BranchChanges, branchChanges } from './changes.ts';
import type { Source } from './clones.ts';
import { queueDueReviews } from './review-schedule.ts';
import type { DirectorRule, DirectorView } from './rule.ts';
import { DIRECTOR_RULE_LIST } from './rules/index.ts';

/** Larger files are not read: generated or vendored code, not what an agent wrote. */
const MAX_READ_BYTES = 512 * 1024;

async function repositoryOf(
  workspace: string,
  repository: string,
  projectId: number,
): Promise<Repository | null> {
  const path = repositoryPath(projectId, repository, workspace);
  return existsSync(path) ? openRepository(path) : null;
}

function hasBranch(repo: Repository, branch: string): Promise<boolean> {
  return inRepositoryOk(repo, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`]);
}

async function changesOnBranch(
  workspace: string,
  repository: string,
  projectId: number,
  runBranch: string,
  taskId: number,
): Promise<BranchChanges | null> {
  const repo = await repositoryOf(workspace, repository, projectId);
  const taskBranch = taskBranchName(runBranch, taskId);
  if (!repo || !(await hasBranch(repo, taskBranch))) return null;
  return branchChanges(repo, runBranch, taskBranch);
}

export interface DirectorOptions {
  db: Db;
  workspace: string;
  /** Whether the jobs it opens (a requeue) are queued or held, as for every other job. */
  autoTriggerAgents: boolean;
  logger?: Logger;
  everyMs?: number;
  leaseSeconds?: number;
  rules?: readonly DirectorRule[];
}

export class Director {
  readonly id = `${hostname()}:${process.pid}:director:${randomUUID().slice(0, 8)}`;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<unknown> = Promise.resolve();
  private running = false;
  private readonly seen = new Set<string>();
  private readonly ctx: ServiceContext;

  constructor(private readonly options: DirectorOptions) {
    this.ctx = {
      db: options.db,
      settings: { autoTriggerAgents: options.autoTriggerAgents },
      actor: 'director',
    };
  }

  start(): void {
    const tick = () => {
      // A pass that reads much git outlasts the interval: the next waits rather than overlapping it.
      if (this.running) return;
      this.running = true;
      this.ticking = this.tick()
        .catch((error) => this.options.logger?.warn({ err: error }, 'director tick failed'))
        .finally(() => {
          this.running = false;
        });
    };
    tick();
    this.timer = setInterval(tick, this.options.everyMs ?? 5000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
    await releaseDirectorLease(this.options.db, this.id).catch(() => {});
  }

  /** One pass over every rule; returns the interventions this pass applied. */
  async tick(): Promise<Intervention[]> {
    const { db, logger } = this.options;
    const state = await getDirectorState(db);
    if (!state.enabled) return [];
    if (!(await takeDirectorLease(db, this.id, this.options.leaseSeconds ?? 30))) return [];
    const view = this.view(state.rules);
    const applied: Intervention[] = [];
    for (const rule of this.options.rules ?? DIRECTOR_RULE_LIST) {
      try {
        for (const proposal of await rule.propose(view)) {
          const intervention = await applyIntervention(this.ctx, proposal);
          if (intervention) {
            applied.push(intervention);
            logger?.info({ rule: rule.name, intervention: intervention.id }, intervention.summary);
          }
        }
      } catch (error) {
        logger?.warn({ err: error, rule: rule.name }, 'a director rule failed');
      }
    }
    try {
      const { queued, failed } = await queueDueReviews(this.ctx, state.rules);
      if (queued.length > 0) logger?.info({ jobs: queued.map((job) => job.id) }, 'director reviews queued');
      for (const { runId, error } of failed) {
        // Tried again every pass: the same failure of the same run is logged once, not every few seconds.
        const key = `review-failed:${runId}:${error instanceof Error ? error.message : String(error)}`;
        if (this.firstLook(key))
          logger?.warn({ err: error, run: runId }, "queueing a run's director review failed");
      }
    } catch (error) {
      logger?.warn({ err: error }, 'queueing director reviews failed');
    }
    return applied;
  }

  /** True the first time this Director sees `key`, false after. */
  private firstLook(key: string): boolean {
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    return true;
  }

  /** A view for one pass: what several rules read the same way is read once in it. */
  private view(installation: DirectorRuleSettings): DirectorView {
    const { db, workspace } = this.options;
    let passed: Promise<PassedStage[]> | undefined;
    const changes = new Map<string, Promise<BranchChanges | null>>();
    return {
      db,
      workspace,
      passedStages: () => {
        passed ??= passedStageJobs(db);
        return passed;
      },
      changesOf(repository, projectId, runBranch, taskId) {
        const key = JSON.stringify([projectId, repository, runBranch, taskId]);
        let read = changes.get(key);
        if (!read) {
          read = changesOnBranch(workspace, repository, projectId, runBranch, taskId);
          changes.set(key, read);
        }
        return read;
      },
      config: (settings, rule) => ruleConfig(installation, settings.director, rule),
      firstLook: (key) => this.firstLook(key),
      taskBranchOf: async (job) => taskBranchName(job.runBranch, job.taskId),
      async filesAt(repository, projectId, ref) {
        const repo = await repositoryOf(workspace, repository, projectId);
        if (!repo) return [];
        const listing = await inRepository(repo, ['ls-tree', '-r', '--name-only', ref]);
        return listing ? listing.split('\n') : [];
      },
      async contentsAt(repository, projectId, ref, paths) {
        const repo = await repositoryOf(workspace, repository, projectId);
        if (!repo) return [];
        const sources: Source[] = [];
        for (const path of paths) {
          const size = Number(await inRepository(repo, ['cat-file', '-s', `${ref}:${path}`]));
          if (size > MAX_READ_BYTES) continue;
          const content = await inRepository(repo, ['show', `${ref}:${path}`]);
          if (!content.includes('\0')) sources.push({ path, content });
        }
        return sources;
      },
    };
  }
}
