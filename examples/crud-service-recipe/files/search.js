/** The items whose name contains `query`, ignoring case. */
export function searchItems(items, query) {
  const wanted = query.toLowerCase();
  return { items: items.filter((item) => item.name.toLowerCase().includes(wanted)) };
}
