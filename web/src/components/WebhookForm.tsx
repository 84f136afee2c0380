import { type FormEvent, useState } from 'react';
import { EVENT_TYPES, type Project, type WebhookInput, type WebhookSubscription } from '../api.ts';
import { ErrorNote } from './Notice.tsx';

interface Props {
  initial?: WebhookSubscription;
  projects: readonly Project[];
  busy: boolean;
  error: string | null;
  onSubmit: (input: WebhookInput) => void;
  submitLabel: string;
}

/**
 * Make or change a webhook subscription: where it goes, what it is for, and which events it takes (none
 * ticked: every event; one project or all).
 */
export function WebhookForm({ initial, projects, busy, error, onSubmit, submitLabel }: Props) {
  const [url, setUrl] = useState(initial?.url ?? '');
  const [description, setDescription] = useState(initial?.description ?? '');
  const [projectId, setProjectId] = useState<number | null>(initial?.project_id ?? null);
  const [types, setTypes] = useState<ReadonlySet<string>>(() => new Set(initial?.event_types ?? []));

  const toggle = (type: string, on: boolean) =>
    setTypes((current) => {
      const next = new Set(current);
      if (on) next.add(type);
      else next.delete(type);
      return next;
    });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit({
      url: url.trim(),
      description: description.trim(),
      project_id: projectId,
      event_types: EVENT_TYPES.filter((type) => types.has(type)),
    });
  };

  return (
    <form className="stack" onSubmit={submit}>
      <label className="field">
        <span>Payload URL</span>
        <input
          type="url"
          required
          value={url}
          placeholder="https://chat.example.com/hooks/workhorse"
          onChange={(event) => setUrl(event.target.value)}
        />
        <span className="hint">
          Signed POSTs (Standard Webhooks). Private, loopback and link-local hosts are refused unless the
          server runs with <code>WH_WEBHOOK_ALLOW_PRIVATE=true</code>.
        </span>
      </label>
      <label className="field">
        <span>Description</span>
        <input
          value={description}
          maxLength={1000}
          onChange={(event) => setDescription(event.target.value)}
        />
      </label>
      <label className="field">
        <span>Project</span>
        <select
          value={projectId ?? ''}
          onChange={(event) => setProjectId(event.target.value ? Number(event.target.value) : null)}
        >
          <option value="">Every project</option>
          {projects.map((project) => (
            <option key={project.id} value={project.id}>
              {project.name}
            </option>
          ))}
        </select>
      </label>
      <fieldset className="field webhook-types">
        <legend>
          Events{' '}
          <span className="muted small">({types.size === 0 ? 'every event' : `${types.size} chosen`})</span>
        </legend>
        <div className="webhook-type-list">
          {EVENT_TYPES.map((type) => (
            <label key={type} className="check">
              <input
                type="checkbox"
                checked={types.has(type)}
                onChange={(e) => toggle(type, e.target.checked)}
              />
              <code>{type}</code>
            </label>
          ))}
        </div>
      </fieldset>
      <ErrorNote error={error} />
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={busy || !url.trim()}>
          {busy ? 'Saving…' : submitLabel}
        </button>
      </div>
    </form>
  );
}
