import { asArray, asObject, asString, asStrings } from './json-values.js';
import { isCveId } from './vulnerability-record.js';
import type { StoredKevEntry } from './vulnerability-record.js';

export type ParsedKevEntry = { ok: true; entry: StoredKevEntry } | { ok: false; id: string | null; reason: string };

/** Normalise one entry of CISA's KEV catalogue (`vulnerabilities[]` of known_exploited_vulnerabilities.json). */
export function parseKevEntry(input: unknown): ParsedKevEntry {
  const entry = asObject(input);
  if (entry === undefined) return { ok: false, id: null, reason: 'not an object' };
  const cve = asString(entry.cveID);
  if (cve === undefined) return { ok: false, id: null, reason: 'missing cveID' };
  if (!isCveId(cve)) return { ok: false, id: cve, reason: 'cveID is not a CVE id' };
  const dateAdded = asString(entry.dateAdded);
  if (dateAdded === undefined) return { ok: false, id: cve, reason: 'missing dateAdded' };
  return {
    ok: true,
    entry: {
      cve_id: cve.toUpperCase(),
      vendor_project: asString(entry.vendorProject) ?? null,
      product: asString(entry.product) ?? null,
      vulnerability_name: asString(entry.vulnerabilityName) ?? null,
      date_added: dateAdded,
      short_description: asString(entry.shortDescription) ?? null,
      required_action: asString(entry.requiredAction) ?? null,
      due_date: asString(entry.dueDate) ?? null,
      known_ransomware_campaign_use: asString(entry.knownRansomwareCampaignUse) ?? null,
      notes: asString(entry.notes) ?? null,
      cwes: asStrings(entry.cwes),
    },
  };
}

export interface KevCatalogInfo {
  title: string | null;
  catalog_version: string | null;
  date_released: string | null;
}

/** The catalogue header and its raw entries. */
export function kevCatalogOf(document: unknown): { info: KevCatalogInfo; entries: unknown[] } | undefined {
  if (Array.isArray(document)) return { info: { title: null, catalog_version: null, date_released: null }, entries: document };
  const catalog = asObject(document);
  if (catalog === undefined || !Array.isArray(catalog.vulnerabilities)) return undefined;
  return {
    info: {
      title: asString(catalog.title) ?? null,
      catalog_version: asString(catalog.catalogVersion) ?? null,
      date_released: asString(catalog.dateReleased) ?? null,
    },
    entries: asArray(catalog.vulnerabilities),
  };
}
