import { useEffect, useState } from 'react';
import { api, type WebhookDelivery } from '../api.ts';
import { dateTime, timeAgo } from '../format.ts';
import { useAction, useResource } from '../hooks.ts';
import { Badge } from './Badge.tsx';
import { Empty, ErrorNote, Loading } from './Notice.tsx';
import { Pager } from './Pager.tsx';

const LIMIT = 20;
/**
 * Attempts are recorded without an event (delivering an event makes none, or every delivery would make
 * another), so the live stream cannot tell this list that one landed: it reads again this often while open.
 */
const REREAD_MS = 3_000;

/** When an attempt was made, or when it is due. */
function when(delivery: WebhookDelivery): string {
  if (delivery.attempted_at) return timeAgo(delivery.attempted_at);
  return new Date(delivery.next_attempt_at).getTime() <= Date.now()
    ? 'due now'
    : `due ${dateTime(delivery.next_attempt_at)}`;
}

/** One subscription's delivery attempts, newest first, each with what the receiver answered. */
export function WebhookDeliveries({ subscriptionId, version }: { subscriptionId: number; version: number }) {
  const [offset, setOffset] = useState(0);
  const again = useAction();
  const deliveries = useResource(
    () => api.webhookDeliveries(subscriptionId, { limit: LIMIT, offset }),
    [subscriptionId, offset, version],
  );
  useEffect(() => {
    const timer = window.setInterval(() => deliveries.reload(), REREAD_MS);
    return () => window.clearInterval(timer);
  }, [deliveries.reload]);

  const redeliver = async (id: number) => {
    if (await again.run(() => api.redeliver(id))) deliveries.reload();
  };

  const page = deliveries.data;
  return (
    <div className="stack" id={`deliveries-of-${subscriptionId}`}>
      <h3>
        Deliveries {page ? <span className="count">{page.total}</span> : null}{' '}
        <span className="small muted">newest first</span>
      </h3>
      <ErrorNote error={deliveries.error} />
      <ErrorNote error={again.error} />
      {!page && !deliveries.error ? <Loading what="deliveries" /> : null}
      {page && page.items.length === 0 ? (
        <Empty>Nothing sent yet: events it takes, or a test event, show here.</Empty>
      ) : null}
      {page && page.items.length > 0 ? (
        <div className="table-wrap">
          <table className="table" aria-label={`Deliveries of webhook ${subscriptionId}`}>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Event</th>
                <th scope="col">Attempt</th>
                <th scope="col">Status</th>
                <th scope="col">Code</th>
                <th scope="col">Latency</th>
                <th scope="col">Error</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((delivery) => (
                <tr key={delivery.id} data-testid="webhook-delivery">
                  <td title={dateTime(delivery.attempted_at ?? delivery.next_attempt_at)}>
                    {when(delivery)}
                  </td>
                  <td title={`webhook-id ${delivery.webhook_id}`}>#{delivery.event_id}</td>
                  <td>{delivery.attempt}</td>
                  <td>
                    <Badge value={delivery.status} />
                  </td>
                  <td>{delivery.response_status ?? '—'}</td>
                  <td>{delivery.latency_ms === null ? '—' : `${delivery.latency_ms} ms`}</td>
                  <td className="break small" title={delivery.response_body ?? undefined}>
                    {delivery.error ?? ''}
                  </td>
                  <td>
                    {delivery.status === 'pending' ? null : (
                      <button
                        type="button"
                        className="button-small"
                        disabled={again.busy}
                        onClick={() => redeliver(delivery.id)}
                        aria-label={`Redeliver event ${delivery.event_id} (attempt ${delivery.attempt})`}
                      >
                        Redeliver
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {page ? (
        <Pager label="Deliveries" total={page.total} limit={LIMIT} offset={offset} onChange={setOffset} />
      ) : null}
    </div>
  );
}
