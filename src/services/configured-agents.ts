/**
 * Every agent the installation is set up to run: for each role that runs an agent, the backend its active
 * role config names (goose by default), and each project's own choice where it differs. Read at start so
 * that a backend nobody installed is named before its first job fails on it.
 */
import { eq } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { projects, roleConfigs } from '../db/schema.ts';
import { type AgentSettings, resolveAgentSettings } from '../domain/agent-settings.ts';
import { ROLE_NAMES } from '../domain/roles.ts';

/** The Director runs deterministic rules, not an agent CLI. */
const AGENT_ROLES = ROLE_NAMES.filter((role) => role !== 'director');

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
  for (const role of AGENT_ROLES) {
    const installation = resolveAgentSettings({}, configOf(role, null) ?? {});
    add(installation, `role ${role}`);
    for (const project of allProjects) {
      const own = resolveAgentSettings(
        project.settings.roles?.[role] ?? {},
        configOf(role, project.id) ?? configOf(role, null) ?? {},
      );
      if (!sameAgent(own, installation)) add(own, `project ${project.id} (${project.name}) role ${role}`);
    }
  }
  return agents;
}
