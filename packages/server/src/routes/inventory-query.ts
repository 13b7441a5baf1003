import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { NotFoundError } from '@sentinel-kit/core';
import type { Asset, InventoryItem, InventoryMatch, Severity } from '@sentinel-kit/core';
import {
  AssetPageSchema,
  AssetProductsSchema,
  AssetSummarySchema,
  AssetVulnerabilitiesSchema,
  FleetProductPageSchema,
  InventoryVulnerabilitySchema,
} from '@sentinel-kit/core/contract';
import type { AffectedProduct, AssetSummary, AssetVulnerability, FleetProduct, ProductVulnerability } from '@sentinel-kit/core/contract';
import type { RouteContext } from '../http/app-types.js';
import { defineRoute, errors, json } from '../http/route.js';
import { inventoryFor } from '../inventory/inventory-services.js';
import { countMatches } from '../inventory/report-service.js';

const tags = ['Inventory'];
const SEVERITY_RANK: Record<Severity, number> = { unknown: 0, none: 1, low: 2, medium: 3, high: 4, critical: 5 };

const flag = z.enum(['true', 'false']).optional();
const paging = {
  /** 1-based. */
  page: z.coerce.number().int().min(1).optional(),
  per_page: z.coerce.number().int().min(1).max(200).optional(),
};
const AssetIdParam = z.object({ id: z.coerce.number().int().min(1) });

export const listAssetsRoute = defineRoute('containers.view', {
  method: 'get',
  path: '/api/assets',
  tags,
  summary: 'List assets (paged)',
  description:
    'Hosts that reported an inventory (and other assets: Docker hosts, images), oldest first, with a summary of their matches. Filters: `organization_id`, `kind`, `q` (hostname substring), `vulnerable=true|false`. `per_page` defaults to 50 (at most 200).',
  request: {
    query: z.object({
      ...paging,
      organization_id: z.coerce.number().int().min(1).optional(),
      kind: z.enum(['host', 'docker_host', 'image']).optional(),
      q: z.string().max(255).optional(),
      vulnerable: flag,
    }),
  },
  responses: { 200: json(AssetPageSchema, 'One page of assets'), ...errors(400) },
});

export const getAssetRoute = defineRoute('containers.view', {
  method: 'get',
  path: '/api/assets/{id}',
  tags,
  summary: 'Get one asset',
  request: { params: AssetIdParam },
  responses: { 200: json(AssetSummarySchema, 'The asset'), ...errors(400, 404) },
});

export const assetProductsRoute = defineRoute('containers.view', {
  method: 'get',
  path: '/api/assets/{id}/products',
  tags,
  summary: 'Installed products of an asset, with the vulnerabilities each matched',
  description: '`vulnerable=true` keeps only products with at least one match.',
  request: { params: AssetIdParam, query: z.object({ vulnerable: flag }) },
  responses: { 200: json(AssetProductsSchema, 'Products, as reported'), ...errors(400, 404) },
});

export const assetVulnerabilitiesRoute = defineRoute('containers.view', {
  method: 'get',
  path: '/api/assets/{id}/vulnerabilities',
  tags,
  summary: 'Vulnerabilities found on an asset',
  description: 'One entry per vulnerability (by CVE when it has one), most severe first, with the products it was found on and how each was matched.',
  request: { params: AssetIdParam },
  responses: { 200: json(AssetVulnerabilitiesSchema, 'Vulnerabilities'), ...errors(400, 404) },
});

export const listProductsRoute = defineRoute('containers.view', {
  method: 'get',
  path: '/api/products',
  tags,
  summary: 'Products across the fleet (paged)',
  description:
    'Every distinct product (name, version, vendor) of every asset, with the assets that have it and the vulnerabilities it matched; sorted by name then version. Filters: `q` (name or vendor substring), `vulnerable=true|false`, `organization_id`.',
  request: {
    query: z.object({ ...paging, q: z.string().max(255).optional(), vulnerable: flag, organization_id: z.coerce.number().int().min(1).optional() }),
  },
  responses: { 200: json(FleetProductPageSchema, 'One page of products'), ...errors(400) },
});

export const inventoryVulnerabilityRoute = defineRoute('containers.view', {
  method: 'get',
  path: '/api/inventory/vulnerabilities/{id}',
  tags,
  summary: 'A vulnerability record with the assets it was found on',
  description: '`id` is a CVE id or an advisory id (`GHSA-…`, `DSA-…`); a CVE without an NVD record finds an advisory about it.',
  request: { params: z.object({ id: z.string().min(1).max(128) }) },
  responses: { 200: json(InventoryVulnerabilitySchema, 'The record and its affected assets'), ...errors(404) },
});

const itemKey = (name: string, version: string): string => `${name.toLowerCase()}\t${version}`;

function productVulnerability(match: InventoryMatch): ProductVulnerability {
  return {
    id: match.vulnerability_id,
    cve: match.cve,
    aliases: match.aliases,
    source: match.source,
    severity: match.severity,
    cvss_score: match.cvss_score,
    in_kev: match.in_kev,
    method: match.method,
    confidence: match.confidence,
    fixed_version: match.fixed_version,
  };
}

function affectedProduct(match: InventoryMatch): AffectedProduct {
  return {
    name: match.item_name,
    version: match.item_version,
    method: match.method,
    confidence: match.confidence,
    fixed_version: match.fixed_version,
    matched: match.matched,
    platform_unverified: match.platform_unverified,
  };
}

function summaryOf(asset: Asset, software: readonly InventoryItem[], matches: readonly InventoryMatch[]): AssetSummary {
  let highest: Severity | null = null;
  const kev = new Set<string>();
  for (const match of matches) {
    if (highest === null || SEVERITY_RANK[match.severity] > SEVERITY_RANK[highest]) highest = match.severity;
    if (match.in_kev) kev.add(match.cve ?? match.vulnerability_id);
  }
  return {
    id: asset.id,
    kind: asset.kind,
    hostname: asset.hostname,
    os: asset.os,
    organization_id: asset.organization_id,
    ip_address: asset.ip_address,
    tags: asset.tags,
    agent_id: asset.agent_id ?? null,
    created_at: asset.created_at,
    updated_at: asset.updated_at,
    last_seen_at: asset.last_seen_at,
    software_count: asset.software_count,
    ...countMatches(software, matches),
    highest_severity: highest,
    kev_count: kev.size,
  };
}

/** Matches grouped by vulnerability (its CVE when it has one), most severe first. */
export function groupByVulnerability(matches: readonly InventoryMatch[]): AssetVulnerability[] {
  const groups = new Map<string, AssetVulnerability>();
  for (const match of matches) {
    const key = match.cve ?? match.vulnerability_id;
    const group = groups.get(key);
    if (group === undefined) {
      groups.set(key, {
        id: match.vulnerability_id,
        cve: match.cve,
        aliases: [...match.aliases],
        source: match.source,
        severity: match.severity,
        cvss_score: match.cvss_score,
        in_kev: match.in_kev,
        kev_due_date: match.kev_due_date,
        products: [affectedProduct(match)],
      });
      continue;
    }
    group.products.push(affectedProduct(match));
    for (const alias of [match.vulnerability_id, ...match.aliases]) if (alias !== group.id && !group.aliases.includes(alias)) group.aliases.push(alias);
    if (SEVERITY_RANK[match.severity] > SEVERITY_RANK[group.severity]) group.severity = match.severity;
    if ((match.cvss_score ?? -1) > (group.cvss_score ?? -1)) group.cvss_score = match.cvss_score;
    group.in_kev ||= match.in_kev;
    group.kev_due_date ??= match.kev_due_date;
  }
  return [...groups.values()].sort(
    (a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || (b.cvss_score ?? -1) - (a.cvss_score ?? -1) || a.id.localeCompare(b.id),
  );
}

function page<T>(items: readonly T[], query: { page?: number | undefined; per_page?: number | undefined }): { items: T[]; page: number; per_page: number } {
  const current = query.page ?? 1;
  const perPage = query.per_page ?? 50;
  return { items: items.slice((current - 1) * perPage, current * perPage), page: current, per_page: perPage };
}

const asFlag = (value: 'true' | 'false' | undefined): boolean | undefined => (value === undefined ? undefined : value === 'true');

export function registerInventoryQueryRoutes(app: OpenAPIHono, ctx: RouteContext): void {
  const services = (): ReturnType<typeof inventoryFor> => inventoryFor(ctx);

  const mustGetAsset = async (id: number): Promise<Asset> => {
    const asset = await services().assets.get(id);
    if (asset === undefined) throw new NotFoundError(`asset ${id} not found`);
    return asset;
  };

  app.openapi(listAssetsRoute, async (c) => {
    const query = c.req.valid('query');
    const { assets } = services();
    const needle = query.q?.trim().toLowerCase() ?? '';
    const vulnerable = asFlag(query.vulnerable);
    const summaries: AssetSummary[] = [];
    const listed = await assets.list({ ...(query.organization_id === undefined ? {} : { organization_id: query.organization_id }), ...(query.kind === undefined ? {} : { kind: query.kind }) });
    for (const asset of listed.sort((a, b) => a.id - b.id)) {
      if (needle !== '' && !asset.hostname.toLowerCase().includes(needle)) continue;
      const summary = summaryOf(asset, await assets.software(asset.id), await assets.matches(asset.id));
      if (vulnerable !== undefined && summary.vulnerabilities_found > 0 !== vulnerable) continue;
      summaries.push(summary);
    }
    const { items, page: current, per_page } = page(summaries, query);
    return c.json({ assets: items, total: summaries.length, page: current, per_page }, 200);
  });

  app.openapi(getAssetRoute, async (c) => {
    const asset = await mustGetAsset(c.req.valid('param').id);
    const { assets } = services();
    return c.json(summaryOf(asset, await assets.software(asset.id), await assets.matches(asset.id)), 200);
  });

  app.openapi(assetProductsRoute, async (c) => {
    const asset = await mustGetAsset(c.req.valid('param').id);
    const vulnerable = asFlag(c.req.valid('query').vulnerable);
    const { assets } = services();
    const byItem = new Map<string, ProductVulnerability[]>();
    for (const match of await assets.matches(asset.id)) {
      const key = itemKey(match.item_name, match.item_version);
      const list = byItem.get(key);
      if (list === undefined) byItem.set(key, [productVulnerability(match)]);
      else list.push(productVulnerability(match));
    }
    const products = (await assets.software(asset.id))
      .map((item) => ({ ...item, vulnerabilities: byItem.get(itemKey(item.name, item.version)) ?? [] }))
      .filter((product) => vulnerable === undefined || product.vulnerabilities.length > 0 === vulnerable);
    return c.json({ asset_id: asset.id, hostname: asset.hostname, products, total: products.length }, 200);
  });

  app.openapi(assetVulnerabilitiesRoute, async (c) => {
    const asset = await mustGetAsset(c.req.valid('param').id);
    const vulnerabilities = groupByVulnerability(await services().assets.matches(asset.id));
    return c.json({ asset_id: asset.id, hostname: asset.hostname, vulnerabilities, total: vulnerabilities.length }, 200);
  });

  app.openapi(listProductsRoute, async (c) => {
    const query = c.req.valid('query');
    const { assets } = services();
    const needle = query.q?.trim().toLowerCase() ?? '';
    const vulnerable = asFlag(query.vulnerable);
    const products = new Map<string, FleetProduct>();
    const listed = await assets.list(query.organization_id === undefined ? {} : { organization_id: query.organization_id });
    for (const asset of listed.sort((a, b) => a.id - b.id)) {
      const software = await assets.software(asset.id);
      if (software.length === 0) continue;
      const byItem = new Map<string, InventoryMatch[]>();
      for (const match of await assets.matches(asset.id)) {
        const key = itemKey(match.item_name, match.item_version);
        byItem.set(key, [...(byItem.get(key) ?? []), match]);
      }
      for (const item of software) {
        if (needle !== '' && !item.name.toLowerCase().includes(needle) && !(item.vendor ?? '').toLowerCase().includes(needle)) continue;
        const key = `${itemKey(item.name, item.version)}\t${(item.vendor ?? '').toLowerCase()}`;
        let product = products.get(key);
        if (product === undefined) {
          product = { name: item.name, version: item.version, vendor: item.vendor ?? null, package_type: item.package_type ?? null, asset_count: 0, assets: [], vulnerabilities: [] };
          products.set(key, product);
        }
        if (!product.assets.some((a) => a.id === asset.id)) {
          product.assets.push({ id: asset.id, hostname: asset.hostname });
          product.asset_count++;
        }
        for (const match of byItem.get(itemKey(item.name, item.version)) ?? []) {
          if (!product.vulnerabilities.some((v) => v.id === match.vulnerability_id)) product.vulnerabilities.push(productVulnerability(match));
        }
      }
    }
    const all = [...products.values()]
      .filter((p) => vulnerable === undefined || p.vulnerabilities.length > 0 === vulnerable)
      .sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()) || a.version.localeCompare(b.version) || (a.vendor ?? '').localeCompare(b.vendor ?? ''));
    const { items, page: current, per_page } = page(all, query);
    return c.json({ products: items, total: all.length, page: current, per_page }, 200);
  });

  app.openapi(inventoryVulnerabilityRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { vulnerabilities, assets } = services();
    const record = await vulnerabilities.get(id);
    if (record === undefined) throw new NotFoundError(`vulnerability ${id} not found`);
    const ids = new Set([record.id, ...record.aliases]);
    const concerns = (match: InventoryMatch): boolean =>
      ids.has(match.vulnerability_id) || (record.cve !== null && match.cve === record.cve) || match.aliases.some((alias) => ids.has(alias));
    const affected: Array<{ id: number; hostname: string; organization_id: number; products: AffectedProduct[] }> = [];
    for (const asset of (await assets.list()).sort((a, b) => a.id - b.id)) {
      const products = (await assets.matches(asset.id)).filter(concerns).map(affectedProduct);
      if (products.length > 0) affected.push({ id: asset.id, hostname: asset.hostname, organization_id: asset.organization_id, products });
    }
    return c.json({ ...record, affected_assets: affected }, 200);
  });
}
