import { useState } from 'react';
import {
  api,
  type DirectorRuleName,
  type DirectorRuleSettings,
  type DirectorState,
  type Project,
} from '../api.ts';
import { useAction, useResource } from '../hooks.ts';
import { useCan } from '../session.ts';
import { DirectorRules } from './DirectorRules.tsx';
import { ErrorNote, Loading } from './Notice.tsx';

type Setting = NonNullable<DirectorRuleSettings[DirectorRuleName]>;
type ProjectDirectorSettings = NonNullable<Project['settings']['director']>;

/**
 * One project's Director settings (its `settings.director`): the Director on or off for the project, and
 * each rule's switch and thresholds, which win over the installation's. Saved through the project's PATCH.
 */
export function ProjectDirector({ state }: { state: DirectorState }) {
  const canEdit = useCan('operate');
  const projects = useResource(() => api.projects(), []);
  const [picked, setPicked] = useState<number | null>(null);
  const save = useAction();
  const list = projects.data?.items ?? [];
  const project = list.find((item) => item.id === picked) ?? null;
  const director: ProjectDirectorSettings = project?.settings.director ?? {};

  const change = (next: ProjectDirectorSettings) =>
    save.run(async () => {
      const updated = await api.updateProject(project!.id, {
        settings: { ...project!.settings, director: next },
      });
      projects.setData((current) =>
        current ? { items: current.items.map((item) => (item.id === updated.id ? updated : item)) } : current,
      );
    });

  return (
    <section className="panel stack" aria-labelledby="project-director-h">
      <div className="panel-head">
        <h2 id="project-director-h">For one project</h2>
        <label className="field field-inline">
          <span>Project</span>
          <select value={picked ?? ''} onChange={(event) => setPicked(Number(event.target.value) || null)}>
            <option value="">Choose a project</option>
            {list.map((item) => (
              <option key={item.id} value={item.id}>
                {item.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorNote error={projects.error ?? save.error} />
      {!projects.data && !projects.error ? <Loading what="projects" /> : null}
      {project ? (
        <>
          {canEdit ? (
            <label className="check">
              <input
                type="checkbox"
                checked={director.enabled !== false}
                disabled={save.busy}
                onChange={(event) => change({ ...director, enabled: event.target.checked })}
              />
              <span>Director on for {project.name}</span>
            </label>
          ) : (
            <p className="small">
              Director {director.enabled === false ? 'off' : 'on'} for {project.name}
            </p>
          )}
          <p className="small muted">
            A rule this project sets nothing for follows the installation's settings above.
          </p>
          <DirectorRules
            key={project.id}
            rules={state.rules}
            settings={director.rules ?? {}}
            inherited={state.rule_settings}
            where={project.name}
            canEdit={canEdit}
            busy={save.busy}
            onSave={(name, setting: Setting) =>
              change({ ...director, rules: { ...director.rules, [name]: setting } })
            }
          />
        </>
      ) : null}
    </section>
  );
}
