import { InvalidError } from '../../errors/index.js';
import { isStoredVulnerability } from '../feeds/vulnerability-record.js';
import type { StoredVulnerability } from '../feeds/vulnerability-record.js';

/** Largest record a store accepts, as UTF-8 JSON. NVD's largest CVE records are a few hundred KB. */
export const DEFAULT_MAX_RECORD_BYTES = 8 * 1024 * 1024;

const encoder = new TextEncoder();

/**
 * The JSON text a store keeps for a record, after checking it is one and is
 * not larger than `maxBytes`.
 *
 * @throws InvalidError naming the record.
 */
export function storableRecordJson(record: unknown, maxBytes: number): string {
  if (!isStoredVulnerability(record)) {
    const id = typeof record === 'object' && record !== null && typeof (record as { id?: unknown }).id === 'string' ? (record as { id: string }).id : '(no id)';
    throw new InvalidError(`vulnerability record ${id} is not a stored vulnerability record (id, source, last_modified, aliases, configurations, affected, cvss)`);
  }
  const json = JSON.stringify(record satisfies StoredVulnerability);
  // UTF-8 takes at most 3 bytes per UTF-16 unit: count bytes only when that could exceed the limit.
  if (json.length * 3 > maxBytes && encoder.encode(json).byteLength > maxBytes) {
    throw new InvalidError(`vulnerability record ${record.source}/${record.id} is larger than the store accepts (${maxBytes} bytes of JSON)`);
  }
  return json;
}
