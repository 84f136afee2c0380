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
import type { DirectorRuleSettings } from '../domain/director.ts';
import { taskBranchName } from '../domain/git-names.ts';
import type { ServiceContext } from '../services/context.ts';
import {
  applyIntervention,
  getDirectorState,
  type Intervention,
  releaseDirectorLease,
  takeDirectorLease,
} from '../services/director.ts';
import { inRepositoryOk, openRepository } from '../worker/git.ts';
import { repositoryPath } from '../worker/repository.ts';
import { branchChanges } from './changes.ts';
import { type DirectorRule, type DirectorView, ruleConfig } from './rule.ts';
import { DIRECTOR_RULE_LIST } from './rules/index.ts';

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
      this.ticking = this.tick().catch((error) =>
        this.options.logger?.warn({ err: error }, 'director tick failed'),
      );
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
    return applied;
  }

  private view(installation: DirectorRuleSettings): DirectorView {
    const { db, workspace } = this.options;
    return {
      db,
      workspace,
      config: (settings, rule) => ruleConfig(installation, settings, rule),
      firstLook: (key) => {
        if (this.seen.has(key)) return false;
        this.seen.add(key);
        return true;
      },
      async changesOf(repository, projectId, runBranch, taskId) {
        const path = repositoryPath(projectId, repository, workspace);
        if (!existsSync(path)) return null;
        const repo = await openRepository(path);
        const taskBranch = taskBranchName(runBranch, taskId);
        const known = await inRepositoryOk(repo, [
          'rev-parse',
          '--verify',
          '--quiet',
          `refs/heads/${taskBranch}`,
        ]);
        return known ? branchChanges(repo, runBranch, taskBranch) : null;
      },
    };
  }
}
