/** The longest query a search takes: a longer one is refused before any item is compared. */
export const MAX_QUERY_LENGTH = 100;

/** The items whose name contains `query`, ignoring case; an error for a query that is too long. */
export function searchItems(items, query) {
  if (query.length > MAX_QUERY_LENGTH) return { error: `q may have at most ${MAX_QUERY_LENGTH} characters` };
  const wanted = query.toLowerCase();
  return { items: items.filter((item) => item.name.toLowerCase().includes(wanted)) };
}
