/**
 * Every agent the installation is set up to run: for each role that runs an agent, the backend its active
 * role config names (goose by default), and each project's own choice where it differs. Read at start so
 * that a backend nobody installed is named before its first job fails on it. The director role runs an
 * agent only for the llm-review rule (its reviews are jobs), so it counts where that rule is on.
 */
import { eq } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { projects, roleConfigs } from '../db/schema.ts';
import { type AgentSettings, resolveAgentSettings } from '../domain/agent-settings.ts';
import { type DirectorProjectSettings, ruleConfig } from '../domain/director.ts';
import { ROLE_NAMES, type RoleName } from '../domain/roles.ts';
import { getDirectorState } from './director.ts';

export interface ConfiguredAgent extends AgentSettings {
  /** Who runs it: "role dev", "project 3 (shop) role qa". */
  usedBy: string[];
}

function sameAgent(a: AgentSettings, b: AgentSettings): boolean {
  return (
    a.backend === b.backend &&
    a.binary === b.binary &&
    a.model === b.model &&
    a.endpoint?.baseUrl === b.endpoint?.baseUrl &&
    a.endpoint?.apiKeyEnv === b.endpoint?.apiKeyEnv
  );
}

export async function configuredAgents(db: Queryable): Promise<ConfiguredAgent[]> {
  const active = await db.select().from(roleConfigs).where(eq(roleConfigs.active, true));
  const allProjects = await db.select().from(projects);
  const agents: ConfiguredAgent[] = [];
  const add = (settings: AgentSettings, usedBy: string) => {
    const known = agents.find((agent) => sameAgent(agent, settings));
    if (known) known.usedBy.push(usedBy);
    else agents.push({ ...settings, usedBy: [usedBy] });
  };
  const configOf = (role: string, projectId: number | null) =>
    active.find((config) => config.role === role && config.projectId === projectId)?.settings ?? null;
  const director = await getDirectorState(db);
  const runsAgent = (role: RoleName, project: DirectorProjectSettings | undefined) =>
    role !== 'director' || (director.enabled && ruleConfig(director.rules, project, 'llm-review') !== null);
  for (const role of ROLE_NAMES) {
    const installation = resolveAgentSettings({}, configOf(role, null) ?? {});
    const installationRuns = runsAgent(role, undefined);
    if (installationRuns) add(installation, `role ${role}`);
    for (const project of allProjects) {
      if (!runsAgent(role, project.settings.director)) continue;
      const own = resolveAgentSettings(
        project.settings.roles?.[role] ?? {},
        configOf(role, project.id) ?? configOf(role, null) ?? {},
      );
      // With the rule off installation-wide, a project that turns it on is named even with the same agent.
      if (!installationRuns || !sameAgent(own, installation))
        add(own, `project ${project.id} (${project.name}) role ${role}`);
    }
  }
  return agents;
}
