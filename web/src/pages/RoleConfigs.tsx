import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, ROLE_NAMES, type RoleConfig, type RoleName } from '../api.ts';
import { DiffView } from '../components/DiffView.tsx';
import { Empty, ErrorNote, Loading } from '../components/Notice.tsx';
import { dateTime, timeAgo } from '../format.ts';
import { useAction, useResource, useTitle } from '../hooks.ts';
import { useDebounced, useLive } from '../live.ts';
import { useCan } from '../session.ts';

/**
 * Versioned role prompts: read, edit (a new version), compare two versions, roll back; for every project
 * (the global prompts) or as one project sees them, where a project's own prompt overrides the global one.
 */
export function RoleConfigs() {
  useTitle('Roles');
  const canOperate = useCan('operate');
  const [params, setParams] = useSearchParams();
  const roleParam = params.get('role');
  const role: RoleName = ROLE_NAMES.includes(roleParam as RoleName) ? (roleParam as RoleName) : 'pm';
  const projectId = Number(params.get('project')) || null;
  const choose = (next: { role?: RoleName; project?: number | null }) => {
    const project = next.project === undefined ? projectId : next.project;
    setParams(
      { role: next.role ?? role, ...(project ? { project: String(project) } : {}) },
      { replace: true },
    );
  };
  const projects = useResource(() => api.projects(), []);

  const refresh = useDebounced(() => {
    active.reload();
    versions.reload();
  });
  const ready = useLive({}, (event) => {
    if (event.type.startsWith('role_config.')) refresh();
  });
  const active = useResource(() => api.roleConfigs(projectId), [projectId], ready);
  const versions = useResource(() => api.roleVersions(role, projectId), [role, projectId], ready);
  const projectName = projects.data?.items.find((project) => project.id === projectId)?.name;

  const roles = active.data?.items ?? [];
  const current = roles.find((config) => config.role === role);

  return (
    <div className="stack-lg">
      <div className="page-head">
        <h1>Role prompts</h1>
        <p className="muted">Each save makes a new version; activating an older one rolls back.</p>
      </div>
      <div className="filters">
        <label className="field field-inline">
          <span>Prompts of</span>
          <select
            value={projectId ?? ''}
            onChange={(event) => choose({ project: Number(event.target.value) || null })}
          >
            <option value="">every project (global)</option>
            {(projects.data?.items ?? []).map((project) => (
              <option key={project.id} value={project.id}>
                project {project.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorNote error={active.error} />
      <div className="roles-layout">
        <nav aria-label="Roles" className="panel role-nav">
          <h2 className="visually-hidden">Active roles</h2>
          {!active.data && !active.error ? <Loading what="roles" /> : null}
          <ul>
            {roles.map((config) => (
              <li key={config.role}>
                <button
                  type="button"
                  className={config.role === role ? 'role-button is-selected' : 'role-button'}
                  aria-current={config.role === role ? 'true' : undefined}
                  onClick={() => choose({ role: config.role })}
                >
                  <span>{config.role}</span>
                  <span className="muted small">
                    {projectId !== null && config.project_id === projectId ? 'own ' : ''}v{config.version}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <div className="stack-lg role-main">
          {current ? (
            <RolePrompt
              key={`${current.role}-${current.project_id}-${current.version}-${projectId}`}
              config={current}
              projectId={projectId}
              projectName={projectName}
              canEdit={canOperate}
            />
          ) : null}
          <section className="panel" aria-labelledby="versions-h">
            <h2 id="versions-h">
              Versions of {role}
              {projectId !== null ? ` for project ${projectName ?? projectId}` : ''}
            </h2>
            <ErrorNote error={versions.error} />
            {versions.data ? (
              <Versions
                role={role}
                projectId={projectId}
                items={versions.data.items}
                canOperate={canOperate}
              />
            ) : versions.error ? null : (
              <Loading what="versions" />
            )}
          </section>
        </div>
      </div>
    </div>
  );
}

interface RolePromptProps {
  config: RoleConfig;
  /** The project whose prompts are shown; null for the global ones. */
  projectId: number | null;
  projectName: string | undefined;
  canEdit: boolean;
}

function RolePrompt({ config, projectId, projectName, canEdit }: RolePromptProps) {
  const inherited = projectId !== null && config.project_id === null;
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(config.prompt);
  const save = useAction();

  return (
    <section className="panel" aria-labelledby="prompt-h">
      <div className="panel-head">
        <h2 id="prompt-h">
          {config.role} prompt{' '}
          <span className="muted">
            · {inherited ? 'global ' : projectId !== null ? 'own ' : ''}version {config.version} (active)
          </span>
        </h2>
        {canEdit && !editing ? (
          <button type="button" onClick={() => setEditing(true)}>
            Edit prompt
          </button>
        ) : null}
      </div>
      {inherited ? (
        <p className="small">
          Project {projectName ?? projectId} uses the global prompt; saving an edit here gives it its own.
        </p>
      ) : null}
      <p className="small muted">
        Saved {timeAgo(config.created_at)}
        {config.created_by ? ` by ${config.created_by}` : ''}
      </p>
      {editing ? (
        <form
          className="stack"
          onSubmit={async (event) => {
            event.preventDefault();
            if (await save.run(() => api.saveRole(config.role, draft, projectId))) setEditing(false);
          }}
        >
          <label className="field">
            <span>Prompt for {config.role}</span>
            <textarea
              className="mono prompt-editor"
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              rows={20}
              spellCheck={false}
            />
          </label>
          <ErrorNote error={save.error} />
          <div className="form-actions">
            <button
              type="button"
              onClick={() => {
                setEditing(false);
                setDraft(config.prompt);
              }}
            >
              Cancel
            </button>
            <button
              type="submit"
              className="button-primary"
              disabled={save.busy || !draft.trim() || draft === config.prompt}
            >
              {save.busy ? 'Saving…' : 'Save as new version'}
            </button>
          </div>
        </form>
      ) : (
        <pre className="prompt">{config.prompt}</pre>
      )}
    </section>
  );
}

interface VersionsProps {
  role: RoleName;
  projectId: number | null;
  items: RoleConfig[];
  canOperate: boolean;
}

function Versions({ role, projectId, items, canOperate }: VersionsProps) {
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  const activate = useAction();
  const newest = items[0]?.version ?? null;
  const previous = items[1]?.version ?? null;

  // Compare the two newest versions until the reader picks others (and again after each new save).
  useEffect(() => {
    setFrom(previous);
    setTo(newest);
  }, [newest, previous]);

  if (items.length === 0)
    return (
      <Empty>
        {projectId === null
          ? `No versions of ${role}.`
          : `This project has no ${role} prompt of its own: it uses the global one.`}
      </Empty>
    );
  const before = items.find((item) => item.version === from);
  const after = items.find((item) => item.version === to);

  return (
    <div className="stack">
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Saved</th>
              <th scope="col">By</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.id}>
                <td>v{item.version}</td>
                <td title={dateTime(item.created_at)}>{timeAgo(item.created_at)}</td>
                <td>{item.created_by ?? '—'}</td>
                <td>
                  {item.active ? (
                    <span className="badge badge-active">active</span>
                  ) : canOperate ? (
                    <button
                      type="button"
                      className="button-small"
                      disabled={activate.busy}
                      onClick={() => activate.run(() => api.activateRole(role, item.version, projectId))}
                    >
                      Activate v{item.version}
                    </button>
                  ) : (
                    <span className="muted">inactive</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ErrorNote error={activate.error} />
      {items.length < 2 ? (
        <Empty>Only one version so far: edit the prompt to make another, then compare them here.</Empty>
      ) : (
        <>
          <div className="filters">
            <label className="field field-inline">
              <span>Compare version</span>
              <select value={from ?? ''} onChange={(e) => setFrom(Number(e.target.value))}>
                {items.map((item) => (
                  <option key={item.id} value={item.version}>
                    v{item.version}
                  </option>
                ))}
              </select>
            </label>
            <label className="field field-inline">
              <span>with version</span>
              <select value={to ?? ''} onChange={(e) => setTo(Number(e.target.value))}>
                {items.map((item) => (
                  <option key={item.id} value={item.version}>
                    v{item.version}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {before && after ? (
            <DiffView
              before={before.prompt}
              after={after.prompt}
              caption={`v${before.version} → v${after.version}`}
            />
          ) : null}
        </>
      )}
    </div>
  );
}
