/**
 * The HTTP side: /items (GET list, POST create) and /items/:id (GET, PUT, DELETE), JSON in and out.
 * Bad input is a 400 with { error }, an unknown id a 404.
 */
import { createServer } from 'node:http';
import { createStore } from './store.js';

function send(response, status, body) {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(body === undefined ? '' : JSON.stringify(body));
}

async function readJson(request) {
  let text = '';
  for await (const chunk of request) text += chunk;
  try {
    return JSON.parse(text || '{}');
  } catch {
    return null;
  }
}

/** The changes a body asks for, or an error message. */
function validItem(body, { partial }) {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { error: 'expected a JSON object' };
  const changes = {};
  if (body.name !== undefined || !partial) {
    if (typeof body.name !== 'string' || !body.name.trim())
      return { error: 'name must be a non-empty string' };
    changes.name = body.name.trim();
  }
  if (body.done !== undefined) {
    if (typeof body.done !== 'boolean') return { error: 'done must be true or false' };
    changes.done = body.done;
  }
  return { changes };
}

export function createApp(store = createStore()) {
  return createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const match = /^\/items(?:\/(\d+))?$/.exec(url.pathname);
    if (!match) return send(response, 404, { error: 'not found' });
    const id = match[1] ? Number(match[1]) : null;
    if (id === null && request.method === 'GET') return send(response, 200, store.list());
    if (id === null && request.method === 'POST') {
      const { error, changes } = validItem(await readJson(request), { partial: false });
      return error ? send(response, 400, { error }) : send(response, 201, store.create(changes));
    }
    if (id === null) return send(response, 405, { error: 'use GET or POST' });
    if (request.method === 'GET') {
      const item = store.get(id);
      return item ? send(response, 200, item) : send(response, 404, { error: `no item ${id}` });
    }
    if (request.method === 'PUT') {
      const { error, changes } = validItem(await readJson(request), { partial: true });
      if (error) return send(response, 400, { error });
      const item = store.update(id, changes);
      return item ? send(response, 200, item) : send(response, 404, { error: `no item ${id}` });
    }
    if (request.method === 'DELETE')
      return store.remove(id) ? send(response, 204) : send(response, 404, { error: `no item ${id}` });
    return send(response, 405, { error: 'use GET, PUT or DELETE' });
  });
}
