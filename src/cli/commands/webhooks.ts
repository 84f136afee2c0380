/** `wh webhook list|add|remove|test|deliveries|redeliver`: signed event deliveries to other systems (admin). */
import type { Command } from 'commander';
import { apiAction, type ListOptions, listing } from '../api-action.ts';
import { print, printJson, printList } from '../output.ts';
import { parseId } from '../run-command.ts';

function list(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

export function registerWebhookCommands(program: Command): void {
  const webhook = program
    .command('webhook')
    .description('webhooks: events sent, signed, to other systems (admin)');

  webhook
    .command('list')
    .description('every subscription')
    .option('--json', 'print the API answer as JSON')
    .action((flags: { json?: boolean }, command: Command) =>
      apiAction(command, async (client) => {
        const [{ z }, { webhookSubscriptionSchema }] = await Promise.all([
          import('zod'),
          import('../../contracts/webhooks.ts'),
        ]);
        const items = await client.get('/api/webhooks', z.array(webhookSubscriptionSchema));
        printList(
          items,
          [
            { header: 'id', value: (s) => s.id },
            { header: 'on', value: (s) => (s.enabled ? 'yes' : `no (${s.disabled_reason ?? 'off'})`) },
            { header: 'events', value: (s) => s.event_types.join(',') || 'all', max: 60 },
            { header: 'project', value: (s) => s.project_id ?? 'all' },
            { header: 'url', value: (s) => s.url },
          ],
          { json: flags.json, raw: items, noun: 'subscriptions' },
        );
      }),
    );

  webhook
    .command('add')
    .description('subscribe a URL; prints its signing secret, this once')
    .argument('<url>', 'where events are POSTed (https:// for anything not local)')
    .option('--events <types>', 'only these event types, comma-separated (default: all)', list)
    .option('--project <project>', 'only this project', parseId)
    .option('--description <text>', 'what it is for')
    .option('--json', 'print the API answer as JSON')
    .action(
      (
        url: string,
        flags: { events?: string[]; project?: number; description?: string; json?: boolean },
        command: Command,
      ) =>
        apiAction(command, async (client) => {
          const { webhookSubscriptionWithSecretSchema } = await import('../../contracts/webhooks.ts');
          const made = await client.post('/api/webhooks', webhookSubscriptionWithSecretSchema, {
            url,
            event_types: flags.events,
            project_id: flags.project,
            description: flags.description,
          });
          if (flags.json) printJson(made);
          else print(`subscription ${made.id} to ${made.url}\nsigning secret (shown once): ${made.secret}`);
        }),
    );

  webhook
    .command('remove')
    .description('delete a subscription: nothing more is sent to it')
    .argument('<subscription>', 'subscription id', parseId)
    .action((id: number, _flags: unknown, command: Command) =>
      apiAction(command, async (client) => {
        await client.delete(`/api/webhooks/${id}`);
        print(`removed subscription ${id}`);
      }),
    );

  webhook
    .command('test')
    .description('send a subscription a test event')
    .argument('<subscription>', 'subscription id', parseId)
    .action((id: number, _flags: unknown, command: Command) =>
      apiAction(command, async (client) => {
        const { webhookTestSchema } = await import('../../contracts/webhooks.ts');
        const sent = await client.post(`/api/webhooks/${id}/test`, webhookTestSchema);
        print(`test event ${sent.event_id} queued for subscription ${id} (wh webhook deliveries ${id})`);
      }),
    );

  listing(
    webhook
      .command('deliveries')
      .description("a subscription's delivery attempts, newest first")
      .argument('<subscription>', 'subscription id', parseId),
  ).action((id: number, flags: ListOptions, command: Command) =>
    apiAction(command, async (client) => {
      const { webhookDeliveryPageSchema } = await import('../../contracts/webhooks.ts');
      const page = await client.get(`/api/webhooks/${id}/deliveries`, webhookDeliveryPageSchema, {
        limit: flags.limit,
        offset: flags.offset,
      });
      printList(
        page.items,
        [
          { header: 'id', value: (d) => d.id },
          { header: 'event', value: (d) => d.event_id },
          { header: 'attempt', value: (d) => d.attempt },
          { header: 'status', value: (d) => d.status },
          { header: 'code', value: (d) => d.response_status },
          { header: 'ms', value: (d) => d.latency_ms },
          { header: 'error', value: (d) => d.error, max: 50 },
        ],
        { json: flags.json, raw: page, total: page.total, noun: 'deliveries' },
      );
    }),
  );

  webhook
    .command('redeliver')
    .description('send a delivery again (same webhook-id, so receivers can de-duplicate)')
    .argument('<delivery>', 'delivery id (wh webhook deliveries)', parseId)
    .action((id: number, _flags: unknown, command: Command) =>
      apiAction(command, async (client) => {
        const { webhookDeliverySchema } = await import('../../contracts/webhooks.ts');
        const queued = await client.post(`/api/webhook-deliveries/${id}/redeliver`, webhookDeliverySchema);
        print(`delivery ${queued.id} queued (attempt ${queued.attempt})`);
      }),
    );
}
