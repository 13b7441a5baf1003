import { InvalidError } from '@sentinel-kit/core';
import type { InventoryItem, InventoryMatch } from '@sentinel-kit/core';
import type { AgentReportBody, AgentReportResponse } from '@sentinel-kit/core/contract';
import type { InventoryServices } from './inventory-services.js';

/** Who sent a report, as the route resolved it from the request. */
export interface ReportOrigin {
  /** The organization the report belongs to (the key's, checked against the body's). */
  organizationId: number;
  /** The address the report came from (`X-Forwarded-For` only behind a trusted proxy). */
  ip: string;
  /** The enrolled agent the key was issued to, if any. */
  agentId?: string;
}

const itemKey = (item: { name: string; version: string }): string => `${item.name.toLowerCase()}\t${item.version}`;

/** Trim names and drop repeated name+version pairs (multi-arch packages list the same version once per architecture). */
function normalizeItems(items: readonly InventoryItem[]): InventoryItem[] {
  const seen = new Set<string>();
  const out: InventoryItem[] = [];
  for (const raw of items) {
    const item = { ...raw, name: raw.name.trim(), version: raw.version.trim() };
    if (item.name === '') throw new InvalidError('software: every item needs a non-empty name');
    const key = itemKey(item);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(item);
  }
  return out;
}

/** The counts seed 000 answers with: distinct software items with a match, distinct vulnerabilities (by CVE when there is one). */
export function countMatches(software: readonly InventoryItem[], matches: readonly InventoryMatch[]): { products_matched: number; vulnerabilities_found: number } {
  const inventory = new Set(software.map(itemKey));
  const products = new Set<string>();
  const vulnerabilities = new Set<string>();
  for (const match of matches) {
    const key = `${match.item_name.toLowerCase()}\t${match.item_version}`;
    if (inventory.has(key)) products.add(key);
    vulnerabilities.add(match.cve ?? match.vulnerability_id);
  }
  return { products_matched: products.size, vulnerabilities_found: vulnerabilities.size };
}

/**
 * Apply one inventory report: create or update the asset of
 * (organization, hostname), replace its software (full report) or change
 * only the listed items (delta), match the resulting inventory and store the
 * matches. Reports of one host are applied one at a time.
 */
export async function acceptReport(services: InventoryServices, body: AgentReportBody, origin: ReportOrigin): Promise<AgentReportResponse> {
  const { assets, matcher } = services;
  const organization = await assets.organization(origin.organizationId);
  if (organization === undefined) throw new InvalidError(`organization_id: no organization ${origin.organizationId}`);
  const delta = body.delta === true;
  // Validate every item before anything is written.
  const software = delta ? undefined : normalizeItems(body.software ?? []);
  const added = delta ? normalizeItems(body.software_added ?? []) : [];
  const removed = (body.software_removed ?? []).map((item) => ({ name: item.name.trim(), ...(item.version === undefined ? {} : { version: item.version.trim() }) }));
  await matcher.ready();

  return matcher.withHost(organization.id, body.hostname, async () => {
    const os = body.os !== undefined && body.os !== '' ? body.os : delta ? undefined : 'Unknown';
    const asset = await assets.upsert({
      hostname: body.hostname,
      organization_id: organization.id,
      ...(os === undefined ? {} : { os }),
      ...(body.ip_address !== undefined ? { ip_address: body.ip_address } : origin.ip !== '' ? { ip_address: origin.ip } : {}),
      ...(body.tags === undefined ? {} : { tags: [...new Set(body.tags)] }),
      ...(origin.agentId === undefined ? {} : { agent_id: origin.agentId }),
    });
    return matcher.withAsset(asset.id, async () => {
      let inventory: InventoryItem[];
      if (software !== undefined) {
        await assets.setSoftware(asset.id, software);
        inventory = software;
      } else {
        inventory = await assets.applyDelta(asset.id, added, removed);
      }
      const matches = await matcher.storeMatches(asset, inventory);
      return {
        status: 'accepted' as const,
        asset_id: asset.id,
        hostname: asset.hostname,
        products_processed: inventory.length,
        ...countMatches(inventory, matches),
        delta,
      };
    });
  });
}
