import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_QUERY_LENGTH, searchItems } from '../src/search.js';

test('refuses a query longer than the limit', () => {
  const { error } = searchItems([{ id: 1, name: 'Milk', done: false }], 'm'.repeat(MAX_QUERY_LENGTH + 1));
  assert.match(error, /at most 100 characters/);
  assert.equal(searchItems([], 'm'.repeat(MAX_QUERY_LENGTH)).items.length, 0);
});
