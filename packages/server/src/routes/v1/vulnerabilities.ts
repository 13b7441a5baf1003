import type { OpenAPIHono } from '@hono/zod-openapi';
import type { InventoryMatch, Severity } from '@sentinel-kit/core';
import { FleetVulnerabilityListResponseSchema, FleetVulnerabilityQuerySchema } from '@sentinel-kit/core/contract';
import type { FleetVulnerability } from '@sentinel-kit/core/contract';
import type { RouteContext } from '../../http/app-types.js';
import { defineRoute, json } from '../../http/route.js';
import { inventoryFor } from '../../inventory/inventory-services.js';
import { V1_SECURITY, V1_TAGS, success, v1ScopedErrors } from './common.js';

export const listVulnerabilitiesRoute = defineRoute('scope:api', {
  method: 'get',
  path: '/api/v1/vulnerabilities',
  tags: [V1_TAGS.vulnerabilities],
  security: V1_SECURITY,
  summary: 'List discovered vulnerabilities',
  description:
    'The vulnerabilities found on the fleet (the stored matches of every system, Docker host and scanned image), one entry per vulnerability with the assets and packages it affects and the vulnerability database’s data. ' +
    'Worst first (severity, then CVSS). `severity` (one or several, comma-separated), `in_kev` (`true`/`false`), `system` (`agent_id`), `page`, `per_page` (default 50, at most 500).',
  request: { query: FleetVulnerabilityQuerySchema },
  responses: { 200: json(FleetVulnerabilityListResponseSchema, 'A page of vulnerabilities'), ...v1ScopedErrors(400) },
});

const RANK: Record<Severity, number> = { critical: 5, high: 4, medium: 3, low: 2, unknown: 1, none: 0 };

export function registerVulnerabilityRoutes(app: OpenAPIHono, ctx: RouteContext): void {
  const inventory = inventoryFor(ctx);

  app.openapi(listVulnerabilitiesRoute, async (c) => {
    const query = c.req.valid('query');
    const severities = query.severity === undefined ? undefined : new Set(query.severity.split(','));
    const kev = query.in_kev === undefined ? undefined : query.in_kev === 'true';
    const byVulnerability = new Map<string, { first: InventoryMatch; affected: FleetVulnerability['affected']; assets: Set<number> }>();
    for (const asset of await inventory.assets.list()) {
      if (query.system !== undefined && asset.agent_id !== query.system) continue;
      for (const m of await inventory.assets.matches(asset.id)) {
        if (severities !== undefined && !severities.has(m.severity)) continue;
        if (kev !== undefined && m.in_kev !== kev) continue;
        // An OSV advisory and the NVD record of one CVE are one vulnerability.
        const key = m.cve ?? m.vulnerability_id;
        let entry = byVulnerability.get(key);
        if (entry === undefined) {
          entry = { first: m, affected: [], assets: new Set() };
          byVulnerability.set(key, entry);
        }
        if ((m.cvss_score ?? -1) > (entry.first.cvss_score ?? -1)) entry.first = m;
        entry.assets.add(asset.id);
        if (!entry.affected.some((a) => a.asset_id === asset.id && a.package === m.item_name && a.version === m.item_version)) {
          entry.affected.push({ agent_id: asset.agent_id ?? null, asset_id: asset.id, hostname: asset.hostname, kind: asset.kind, package: m.item_name, version: m.item_version, fixed_version: m.fixed_version });
        }
      }
    }
    const sorted = [...byVulnerability.entries()].sort(
      ([ka, a], [kb, b]) => RANK[b.first.severity] - RANK[a.first.severity] || (b.first.cvss_score ?? -1) - (a.first.cvss_score ?? -1) || ka.localeCompare(kb),
    );
    const start = (query.page - 1) * query.per_page;
    const page = await Promise.all(
      sorted.slice(start, start + query.per_page).map(async ([key, { first, affected, assets }]): Promise<FleetVulnerability> => {
        const record = (await inventory.vulnerabilities.get(first.vulnerability_id)) ?? (first.cve === null ? undefined : await inventory.vulnerabilities.get(first.cve));
        return {
          id: key,
          cve: first.cve,
          title: record?.title ?? null,
          description: record?.description ?? null,
          severity: first.severity,
          cvss_score: first.cvss_score,
          cvss_vector: record?.cvss_vector ?? null,
          in_kev: first.in_kev,
          kev_due_date: first.kev_due_date,
          published: record?.published ?? null,
          affected_count: assets.size,
          affected,
        };
      }),
    );
    return c.json(success({ vulnerabilities: page, total: sorted.length, page: query.page, per_page: query.per_page }), 200);
  });
}
