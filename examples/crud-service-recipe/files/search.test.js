import assert from 'node:assert/strict';
import { test } from 'node:test';
import { searchItems } from '../src/search.js';

const items = [
  { id: 1, name: 'Milk', done: false },
  { id: 2, name: 'Bread', done: true },
  { id: 3, name: 'Oat milk', done: false },
];

test('finds the items whose name contains the query, ignoring case', () => {
  assert.deepEqual(
    searchItems(items, 'MILK').items.map((item) => item.id),
    [1, 3],
  );
  assert.deepEqual(searchItems(items, 'tea').items, []);
});
