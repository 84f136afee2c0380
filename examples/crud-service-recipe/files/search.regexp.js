/** The items whose name matches `query`, ignoring case. */
export function searchItems(items, query) {
  const pattern = new RegExp(query, 'i');
  return { items: items.filter((item) => pattern.test(item.name)) };
}
