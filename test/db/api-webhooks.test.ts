/**
 * The webhooks API (PGlite and PostgreSQL): a secret is answered when made or rotated and never again, nor
 * in any event; bad input is a 400 naming the field; unknown ids are 404s; a private target is refused
 * when set unless WH_WEBHOOK_ALLOW_PRIVATE is on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEvents } from '../../src/services/events.ts';
import { newProject, startTestApi, type TestApi } from '../support/api.ts';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});

afterAll(async () => {
  await api?.close();
});

function call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) {
  return api.app.inject({ method, url, headers: api.auth(), ...(payload ? { payload } : {}) });
}

describe('webhooks API', () => {
  it('shows a secret when it is made or rotated, and nowhere else', async () => {
    const projectId = await newProject(api, 'hooked');
    const created = await call('POST', '/api/webhooks', {
      url: 'https://hooks.example.com/in',
      event_types: ['state_change'],
      project_id: projectId,
    });
    expect(created.statusCode).toBe(201);
    const { id, secret, event_types } = created.json();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(24);
    expect(event_types).toEqual([
      'run.phase_changed',
      'task.stage_advanced',
      'task.stage_set',
      'task.stage_result',
    ]);
    const rotated = (await call('POST', `/api/webhooks/${id}/rotate-secret`)).json();
    expect(rotated.secret).not.toBe(secret);
    expect(rotated.previous_secret_expires_at).not.toBeNull();

    const read = [
      (await call('GET', `/api/webhooks/${id}`)).body,
      (await call('GET', '/api/webhooks')).body,
      (await call('PATCH', `/api/webhooks/${id}`, { description: 'ci' })).body,
      JSON.stringify(await listEvents(api.database.db, { limit: 1000 })),
    ];
    for (const body of read) {
      expect(body).not.toContain(secret);
      expect(body).not.toContain(rotated.secret);
    }
    expect((await call('DELETE', `/api/webhooks/${id}`)).json().enabled).toBe(false);
    expect((await call('GET', `/api/webhooks/${id}`)).statusCode).toBe(404);
  });

  it('refuses bad input with 400 and unknown ids with 404', async () => {
    const bad = [
      { url: 'ftp://example.com/in' },
      { url: 'not a url' },
      { url: 'https://example.com/in', event_types: ['run.exploded'] },
      { url: 'https://example.com/in', secret: 'whsec_mine' },
    ];
    for (const body of bad) {
      const answer = await call('POST', '/api/webhooks', body);
      expect(answer.statusCode, JSON.stringify(body)).toBe(400);
      expect(answer.json().error.code).toBe('WH_VALIDATION_FAILED');
      // Every 400 names its fields one way: `body.<field>`, as the schemas' own refusals do.
      for (const issue of answer.json().error.details.issues)
        expect(issue.field, JSON.stringify(body)).toMatch(/^body(\.|$)/);
    }
    expect(
      (await call('POST', '/api/webhooks', bad[2]))
        .json()
        .error.details.issues.map((issue: { field: string }) => issue.field),
    ).toEqual(['body.event_types']);
    const missingProject = await call('POST', '/api/webhooks', {
      url: 'https://example.com/in',
      project_id: 99999,
    });
    expect(missingProject.json().error.code).toBe('WH_PROJECT_NOT_FOUND');
    expect((await call('GET', '/api/webhooks/424242')).json().error.code).toBe('WH_WEBHOOK_NOT_FOUND');
    expect((await call('POST', '/api/webhook-deliveries/424242/redeliver')).json().error.code).toBe(
      'WH_WEBHOOK_DELIVERY_NOT_FOUND',
    );
  });

  it('refuses a URL whose host is, or resolves to, a private, loopback or link-local address', async () => {
    const privateUrls = [
      'http://127.0.0.1:9/in',
      'http://localhost:9/in', // a name resolving to 127.0.0.1
      'http://[::1]:9/in',
      'http://169.254.169.254/latest',
      'http://10.1.2.3/in',
      'http://[::ffff:192.168.0.1]/in',
    ];
    for (const url of privateUrls) {
      const answer = await call('POST', '/api/webhooks', { url });
      expect(answer.statusCode, url).toBe(400);
      const { error } = answer.json();
      expect(error.code).toBe('WH_VALIDATION_FAILED');
      expect(error.message).toMatch(/private, loopback or link-local address.*WH_WEBHOOK_ALLOW_PRIVATE=true/);
      expect(error.details.issues).toEqual([
        { field: 'body.url', message: expect.stringContaining('private') },
      ]);
    }
    const created = await call('POST', '/api/webhooks', { url: 'https://93.184.215.14/in' });
    expect(created.statusCode).toBe(201);
    const moved = await call('PATCH', `/api/webhooks/${created.json().id}`, { url: 'http://localhost/in' });
    expect(moved.statusCode).toBe(400);
    expect((await call('GET', `/api/webhooks/${created.json().id}`)).json().url).toBe(
      'https://93.184.215.14/in',
    );
    // Changing other fields does not look at the URL again.
    expect((await call('PATCH', `/api/webhooks/${created.json().id}`, { description: 'x' })).statusCode).toBe(
      200,
    );
  });

  it('takes a private target when WH_WEBHOOK_ALLOW_PRIVATE is on', async () => {
    const allowing = await startTestApi({ webhookAllowPrivate: true });
    try {
      const answer = await allowing.app.inject({
        method: 'POST',
        url: '/api/webhooks',
        headers: allowing.auth(),
        payload: { url: 'http://localhost:9/in' },
      });
      expect(answer.statusCode).toBe(201);
    } finally {
      await allowing.close();
    }
  });
});
