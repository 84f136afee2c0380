/** The items, kept in memory: create, read, update, delete. Each item is { id, name, done }. */
export function createStore() {
  const items = new Map();
  let nextId = 1;
  return {
    list() {
      return [...items.values()];
    },
    get(id) {
      return items.get(id) ?? null;
    },
    create({ name, done = false }) {
      const item = { id: nextId++, name, done };
      items.set(item.id, item);
      return item;
    },
    update(id, changes) {
      const item = items.get(id);
      if (!item) return null;
      const updated = { ...item, ...changes, id };
      items.set(id, updated);
      return updated;
    },
    remove(id) {
      return items.delete(id);
    },
  };
}
