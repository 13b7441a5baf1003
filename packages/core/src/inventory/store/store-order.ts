import type { StoreSort } from '../../ports/vulnerability-store.js';
import type { RecordIndexEntries } from './record-entries.js';

const byId = (a: RecordIndexEntries, b: RecordIndexEntries): number => {
  const x = a.summary;
  const y = b.summary;
  if (x.id !== y.id) return x.id < y.id ? -1 : 1;
  return x.source < y.source ? -1 : x.source > y.source ? 1 : 0;
};

/** The ascending order of `StoreQuery.sort`, for adapters that sort in JavaScript. */
export function compareStoreOrder(sort: StoreSort, a: RecordIndexEntries, b: RecordIndexEntries): number {
  switch (sort) {
    case 'id':
      return byId(a, b);
    case 'published':
      return (a.sort.published < b.sort.published ? -1 : a.sort.published > b.sort.published ? 1 : 0) || byId(a, b);
    case 'last_modified':
      return a.sort.lastModified - b.sort.lastModified || byId(a, b);
    case 'cvss':
      return a.sort.cvss - b.sort.cvss || byId(a, b);
    case 'severity':
      return a.sort.severity - b.sort.severity || a.sort.cvss - b.sort.cvss || byId(a, b);
  }
}
