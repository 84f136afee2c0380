import { type FormEvent, useState } from 'react';
import type { Project, ProjectInput } from '../api.ts';
import { ErrorNote } from './Notice.tsx';
import { applyRoleAgents, RoleAgentFields, roleAgentsOf } from './RoleAgentFields.tsx';

interface Props {
  initial?: Project;
  busy: boolean;
  error: string | null;
  onSubmit: (input: ProjectInput) => void;
  submitLabel: string;
}

const COMMANDS = [
  ['test_command', 'Test command', 'npm test'],
  ['lint_command', 'Lint command', 'npm run lint'],
  ['build_command', 'Build command', 'npm run build'],
  ['deploy_command', 'Deploy command', './deploy.sh'],
] as const;

type Values = Record<Exclude<keyof ProjectInput, 'settings'>, string>;

/** Create or edit a project: its repository, the commands that judge and ship its work, its agents. */
export function ProjectForm({ initial, busy, error, onSubmit, submitLabel }: Props) {
  const [values, setValues] = useState<Values>({
    name: initial?.name ?? '',
    repository: initial?.repository ?? '',
    default_branch: initial?.default_branch ?? 'main',
    test_command: initial?.test_command ?? '',
    lint_command: initial?.lint_command ?? '',
    build_command: initial?.build_command ?? '',
    deploy_command: initial?.deploy_command ?? '',
  });
  const [agents, setAgents] = useState(() => roleAgentsOf(initial?.settings.roles));
  const [reviewRequired, setReviewRequired] = useState(initial?.settings.review?.required === true);
  const set = (key: keyof Values) => (event: { target: { value: string } }) =>
    setValues((current) => ({ ...current, [key]: event.target.value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const command = (value: string) => value.trim() || null;
    onSubmit({
      name: values.name.trim(),
      repository: values.repository.trim(),
      default_branch: values.default_branch.trim() || 'main',
      test_command: command(values.test_command),
      lint_command: command(values.lint_command),
      build_command: command(values.build_command),
      deploy_command: command(values.deploy_command),
      // The whole settings object: a save replaces it, so what the form does not edit is sent back as it was.
      settings: {
        ...initial?.settings,
        roles: applyRoleAgents(initial?.settings.roles, agents),
        review: { ...initial?.settings.review, required: reviewRequired },
      },
    });
  };

  return (
    <form className="stack" onSubmit={submit}>
      <div className="form-grid">
        <label className="field">
          <span>Name</span>
          <input value={values.name} onChange={set('name')} required maxLength={200} />
        </label>
        <label className="field">
          <span>Default branch</span>
          <input value={values.default_branch} onChange={set('default_branch')} maxLength={200} />
        </label>
        <label className="field span-2">
          <span>Repository path or URL</span>
          <input
            value={values.repository}
            onChange={set('repository')}
            required
            maxLength={2000}
            placeholder="/home/me/app or https://github.com/me/app.git"
          />
        </label>
        {COMMANDS.map(([key, text, example]) => (
          <label className="field" key={key}>
            <span>{text}</span>
            <input
              value={values[key]}
              onChange={set(key)}
              maxLength={2000}
              placeholder={example}
              className="mono"
            />
          </label>
        ))}
      </div>
      <label className="check">
        <input
          type="checkbox"
          checked={reviewRequired}
          onChange={(event) => setReviewRequired(event.target.checked)}
        />
        <span>A person reviews each task's change before it merges into the run branch</span>
      </label>
      <RoleAgentFields agents={agents} onChange={setAgents} />
      <ErrorNote error={error} />
      <div className="form-actions">
        <button
          type="submit"
          className="button-primary"
          disabled={busy || !values.name.trim() || !values.repository.trim()}
        >
          {busy ? 'Saving…' : submitLabel}
        </button>
      </div>
    </form>
  );
}
