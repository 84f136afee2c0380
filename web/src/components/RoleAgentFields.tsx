import { AGENT_BACKEND_NAMES, type Project, ROLE_NAMES } from '../api.ts';

type RoleSettings = NonNullable<Project['settings']['roles']>;
/** What the form edits of one role: blank is the installation's default. */
export interface RoleAgent {
  backend: string;
  model: string;
  timeout: string;
}
export type RoleAgents = Record<string, RoleAgent>;

/** The roles an agent plays for a project (the Director is deterministic rules, not an agent). */
const AGENT_ROLES = ROLE_NAMES.filter((role) => role !== 'director');

export function roleAgentsOf(roles: RoleSettings | undefined): RoleAgents {
  return Object.fromEntries(
    AGENT_ROLES.map((role) => {
      const settings = roles?.[role];
      return [
        role,
        {
          backend: settings?.backend ?? '',
          model: settings?.model ?? '',
          timeout: settings?.timeoutSeconds ? String(settings.timeoutSeconds) : '',
        },
      ];
    }),
  );
}

/**
 * The project's per-role settings with the form's backend, model and timeout applied: a blank field drops
 * the setting; whatever else a role has (its binary, base URL, sandbox) is kept as it was.
 */
export function applyRoleAgents(roles: RoleSettings | undefined, agents: RoleAgents): RoleSettings {
  const next: RoleSettings = { ...roles };
  for (const [role, agent] of Object.entries(agents)) {
    const { backend: _b, model: _m, timeoutSeconds: _t, ...kept } = roles?.[role] ?? {};
    const settings = {
      ...kept,
      ...(agent.backend.trim() ? { backend: agent.backend.trim() } : {}),
      ...(agent.model.trim() ? { model: agent.model.trim() } : {}),
      ...(Number(agent.timeout) > 0 ? { timeoutSeconds: Math.round(Number(agent.timeout)) } : {}),
    };
    if (Object.keys(settings).length > 0) next[role] = settings;
    else delete next[role];
  }
  return next;
}

interface Props {
  agents: RoleAgents;
  onChange: (agents: RoleAgents) => void;
}

/** Which agent CLI, model and timeout each role runs with; blank for the default. */
export function RoleAgentFields({ agents, onChange }: Props) {
  const set = (role: string, key: keyof RoleAgent) => (event: { target: { value: string } }) =>
    onChange({ ...agents, [role]: { ...agents[role]!, [key]: event.target.value } });
  return (
    <fieldset className="role-agents">
      <legend>Agents per role</legend>
      <p className="small muted">Blank uses the default backend, its default model and LLM_TIMEOUT.</p>
      <datalist id="agent-backends">
        {AGENT_BACKEND_NAMES.map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
      <div className="table-wrap">
        <table className="table role-agents-table">
          <thead>
            <tr>
              <th scope="col">Role</th>
              <th scope="col">Backend</th>
              <th scope="col">Model</th>
              <th scope="col">Timeout (s)</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(agents).map(([role, agent]) => (
              <tr key={role}>
                <th scope="row">{role}</th>
                <td>
                  <input
                    aria-label={`Backend for ${role}`}
                    list="agent-backends"
                    value={agent.backend}
                    onChange={set(role, 'backend')}
                    maxLength={100}
                    placeholder="default"
                  />
                </td>
                <td>
                  <input
                    aria-label={`Model for ${role}`}
                    value={agent.model}
                    onChange={set(role, 'model')}
                    maxLength={200}
                    placeholder="default"
                  />
                </td>
                <td>
                  <input
                    aria-label={`Timeout for ${role}`}
                    type="number"
                    min={1}
                    max={604800}
                    value={agent.timeout}
                    onChange={set(role, 'timeout')}
                    placeholder="default"
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </fieldset>
  );
}
