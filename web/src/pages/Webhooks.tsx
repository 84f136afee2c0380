import { useState } from 'react';
import { api, type Project, type WebhookInput, type WebhookSubscription } from '../api.ts';
import { Badge } from '../components/Badge.tsx';
import { Dialog } from '../components/Dialog.tsx';
import { Empty, ErrorNote, Loading } from '../components/Notice.tsx';
import { WebhookDeliveries } from '../components/WebhookDeliveries.tsx';
import { WebhookForm } from '../components/WebhookForm.tsx';
import { WebhookSecret } from '../components/WebhookSecret.tsx';
import { dateTime } from '../format.ts';
import { useAction, useResource, useTitle } from '../hooks.ts';
import { useDebounced, useLive } from '../live.ts';
import { useCan } from '../session.ts';

/** Why a subscription's own deliveries switched it off. */
const DISABLED_BECAUSE: Record<string, string> = {
  gone: 'its receiver answered 410 Gone',
  retries_exhausted: 'an event stayed undelivered through every retry',
};

/** Webhook subscriptions (admin): made, changed, switched, rotated, tested, deleted; their deliveries. */
export function Webhooks() {
  useTitle('Webhooks');
  const isAdmin = useCan('admin');
  const [editing, setEditing] = useState<WebhookSubscription | 'new' | null>(null);
  const [secret, setSecret] = useState<{ value: string; rotated: boolean } | null>(null);
  const [deleting, setDeleting] = useState<WebhookSubscription | null>(null);
  const [version, setVersion] = useState(0);
  const save = useAction();

  const refresh = useDebounced(() => {
    subscriptions.reload();
    setVersion((current) => current + 1);
  });
  const ready = useLive({}, (event) => {
    if (event.type.startsWith('webhook.')) refresh();
  });
  const subscriptions = useResource(() => api.webhooks(), [], ready && isAdmin);
  const projects = useResource(() => api.projects(), [], isAdmin);

  const submit = async (input: WebhookInput) => {
    const target = editing;
    const saved = await save.run(async () => {
      if (target === 'new' || target === null) {
        const created = await api.createWebhook(input);
        setSecret({ value: created.secret, rotated: false });
        return created;
      }
      return api.updateWebhook(target.id, input);
    });
    if (saved) {
      setEditing(null);
      subscriptions.reload();
    }
  };

  const remove = async (subscription: WebhookSubscription) => {
    if (await save.run(() => api.deleteWebhook(subscription.id))) {
      setDeleting(null);
      subscriptions.reload();
    }
  };

  const list = subscriptions.data ?? [];
  return (
    <div className="stack-lg">
      <div className="page-head">
        <div>
          <h1>Webhooks</h1>
          <p className="muted">
            Signed HTTP POSTs of what happens (Standard Webhooks), to chat, CI or dashboards: retried for
            about three days, in order per subscription, at least once.
          </p>
        </div>
        {isAdmin ? (
          <button
            type="button"
            className="button-primary"
            onClick={() => {
              save.clear();
              setEditing('new');
            }}
          >
            New subscription
          </button>
        ) : null}
      </div>
      {isAdmin ? null : <Empty>Webhook subscriptions are managed with the admin role.</Empty>}
      <ErrorNote error={subscriptions.error} />
      {editing === null && deleting === null ? <ErrorNote error={save.error} /> : null}
      {isAdmin && !subscriptions.data && !subscriptions.error ? <Loading what="subscriptions" /> : null}
      {subscriptions.data && list.length === 0 ? (
        <Empty>No subscriptions yet: “New subscription” sends events to a URL of yours.</Empty>
      ) : null}
      <ul className="card-list">
        {list.map((subscription) => (
          <SubscriptionCard
            key={subscription.id}
            subscription={subscription}
            projects={projects.data?.items ?? []}
            version={version}
            onEdit={() => {
              save.clear();
              setEditing(subscription);
            }}
            onDelete={() => {
              save.clear();
              setDeleting(subscription);
            }}
            onSecret={(value) => setSecret({ value, rotated: true })}
            onChanged={() => subscriptions.reload()}
          />
        ))}
      </ul>
      <Dialog
        open={editing !== null}
        title={editing === 'new' ? 'New webhook subscription' : 'Edit webhook subscription'}
        onClose={() => setEditing(null)}
        wide
      >
        <WebhookForm
          initial={editing && editing !== 'new' ? editing : undefined}
          projects={projects.data?.items ?? []}
          busy={save.busy}
          error={save.error}
          onSubmit={submit}
          submitLabel={editing === 'new' ? 'Create subscription' : 'Save changes'}
        />
      </Dialog>
      <Dialog open={secret !== null} title="Signing secret" onClose={() => setSecret(null)}>
        {secret ? <WebhookSecret secret={secret.value} rotated={secret.rotated} /> : null}
      </Dialog>
      <Dialog open={deleting !== null} title="Delete subscription" onClose={() => setDeleting(null)}>
        <div className="stack">
          <p>
            Nothing more will be sent to <code className="break">{deleting?.url}</code>. Its deliveries stay
            on record.
          </p>
          <ErrorNote error={save.error} />
          <div className="form-actions">
            <button type="button" onClick={() => setDeleting(null)} data-autofocus>
              Keep it
            </button>
            <button
              type="button"
              className="button-danger"
              disabled={save.busy}
              onClick={() => deleting && remove(deleting)}
            >
              Delete subscription
            </button>
          </div>
        </div>
      </Dialog>
    </div>
  );
}

interface CardProps {
  subscription: WebhookSubscription;
  projects: readonly Project[];
  version: number;
  onEdit: () => void;
  onDelete: () => void;
  onSecret: (secret: string) => void;
  onChanged: () => void;
}

function SubscriptionCard({
  subscription,
  projects,
  version,
  onEdit,
  onDelete,
  onSecret,
  onChanged,
}: CardProps) {
  const [showDeliveries, setShowDeliveries] = useState(false);
  const [sent, setSent] = useState<number | null>(null);
  const act = useAction();
  const project = projects.find((each) => each.id === subscription.project_id);
  const name = subscription.description || subscription.url;

  const setEnabled = async (enabled: boolean) => {
    if (await act.run(() => api.updateWebhook(subscription.id, { enabled }))) onChanged();
  };
  const rotate = async () => {
    const rotated = await act.run(() => api.rotateWebhookSecret(subscription.id));
    if (rotated) {
      onSecret(rotated.secret);
      onChanged();
    }
  };
  const test = async () => {
    const answer = await act.run(() => api.testWebhook(subscription.id));
    if (answer) {
      setSent(answer.event_id);
      setShowDeliveries(true);
    }
  };

  return (
    <li className="panel stack" data-testid="webhook-card" aria-label={`Webhook ${name}`}>
      <div className="panel-head">
        <h2 className="break">
          <code>{subscription.url}</code>
        </h2>
        <Badge value={subscription.enabled ? 'enabled' : 'disabled'} />
      </div>
      {subscription.description ? <p>{subscription.description}</p> : null}
      <dl className="facts">
        <div>
          <dt>Events</dt>
          <dd>
            {subscription.event_types.length === 0 ? (
              'every event'
            ) : (
              <span className="break">{subscription.event_types.join(', ')}</span>
            )}
          </dd>
        </div>
        <div>
          <dt>Project</dt>
          <dd>
            {subscription.project_id === null
              ? 'every project'
              : (project?.name ?? `#${subscription.project_id}`)}
          </dd>
        </div>
        {subscription.previous_secret_expires_at &&
        new Date(subscription.previous_secret_expires_at).getTime() > Date.now() ? (
          <div>
            <dt>Previous secret</dt>
            <dd>signs too until {dateTime(subscription.previous_secret_expires_at)}</dd>
          </div>
        ) : null}
      </dl>
      {!subscription.enabled && subscription.disabled_reason ? (
        <p className="note note-warn">
          Switched off by its deliveries:{' '}
          {DISABLED_BECAUSE[subscription.disabled_reason] ?? subscription.disabled_reason}. Enabling it
          delivers what happened meanwhile.
        </p>
      ) : null}
      <div className="button-row">
        <button type="button" disabled={act.busy} onClick={() => setEnabled(!subscription.enabled)}>
          {subscription.enabled ? 'Disable' : 'Enable'}
        </button>
        <button type="button" onClick={onEdit}>
          Edit
        </button>
        <button type="button" disabled={act.busy} onClick={test}>
          Send test event
        </button>
        <button type="button" disabled={act.busy} onClick={rotate}>
          Rotate secret
        </button>
        <button
          type="button"
          aria-expanded={showDeliveries}
          aria-controls={`deliveries-of-${subscription.id}`}
          onClick={() => setShowDeliveries((shown) => !shown)}
        >
          {showDeliveries ? 'Hide deliveries' : 'Show deliveries'}
        </button>
        <button type="button" className="button-danger" onClick={onDelete}>
          Delete
        </button>
      </div>
      <ErrorNote error={act.error} />
      {sent !== null ? (
        <p className="note note-ok" role="status">
          Test event #{sent} sent; it shows below once the dispatcher has delivered it.
        </p>
      ) : null}
      {showDeliveries ? (
        <WebhookDeliveries subscriptionId={subscription.id} version={version + (sent ?? 0)} />
      ) : null}
    </li>
  );
}
