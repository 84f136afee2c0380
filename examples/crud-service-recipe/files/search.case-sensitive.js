/** The items whose name contains `query`. */
export function searchItems(items, query) {
  return { items: items.filter((item) => item.name.includes(query)) };
}
