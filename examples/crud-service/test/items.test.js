import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createApp } from '../src/app.js';

let server;
let base;

before(async () => {
  server = createApp();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});

after(() => server.close());

async function call(method, path, body) {
  const response = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

test('creates, reads, updates and deletes an item', async () => {
  const created = await call('POST', '/items', { name: ' milk ' });
  assert.equal(created.status, 201);
  assert.deepEqual(created.body, { id: created.body.id, name: 'milk', done: false });
  const id = created.body.id;
  assert.deepEqual((await call('GET', `/items/${id}`)).body, created.body);
  const updated = await call('PUT', `/items/${id}`, { done: true });
  assert.deepEqual(updated.body, { id, name: 'milk', done: true });
  assert.ok((await call('GET', '/items')).body.some((item) => item.id === id && item.done));
  assert.equal((await call('DELETE', `/items/${id}`)).status, 204);
  assert.equal((await call('GET', `/items/${id}`)).status, 404);
});

test('refuses bad input with 400 and unknown ids with 404', async () => {
  assert.equal((await call('POST', '/items', { name: '' })).status, 400);
  assert.equal((await call('POST', '/items', [])).status, 400);
  assert.equal((await call('PUT', '/items/999', { name: 'x' })).status, 404);
  assert.equal((await call('PUT', '/items/1', { done: 'yes' })).status, 400);
  assert.equal((await call('DELETE', '/items/999')).status, 404);
  assert.equal((await call('GET', '/nothing')).status, 404);
});
