import type { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { ForbiddenError, InvalidError, RateLimitedError } from '@sentinel-kit/core';
import { AgentReportBodySchema, AgentReportResponseSchema } from '@sentinel-kit/core/contract';
import { authContext, getPrincipal } from '../auth/context.js';
import { clientIp } from '../auth/request-info.js';
import type { RouteContext } from '../http/app-types.js';
import { defineRoute, errors, json } from '../http/route.js';
import { inventoryFor } from '../inventory/inventory-services.js';
import { createReportRateLimiter } from '../inventory/report-rate-limit.js';
import { acceptReport } from '../inventory/report-service.js';
import type { ReportOrigin } from '../inventory/report-service.js';

export const AGENT_REPORT_PATH = '/api/agent/report';

export interface AgentReportOptions {
  /** Reports accepted per agent key per minute; more answer 429 with `Retry-After`. @default 60 */
  reportsPerMinute?: number;
  /** Largest accepted report body. @default 10 MB */
  maxBodyBytes?: number;
}

export const DEFAULT_REPORTS_PER_MINUTE = 60;
export const DEFAULT_REPORT_BODY_BYTES = 10 * 1024 * 1024;

export const agentReportRoute = defineRoute('scope:agent', {
  method: 'post',
  path: AGENT_REPORT_PATH,
  tags: ['Inventory'],
  summary: 'Submit a software inventory report',
  description: [
    'Authenticated with `X-Agent-Key: sk_agent_…` (a key with the `agent` scope; other credentials answer 403).',
    'A full report (`software`) replaces the host’s inventory; `"delta": true` with `software_added` / `software_removed` changes only those items.',
    'The asset is the organization’s host named `hostname`; `os` defaults to "Unknown", `organization_id` to the key’s organization (another one answers 403), `ip_address` to the address the report came from, `tags` to [].',
    'Every item is matched against the vulnerability database: `products_matched` counts distinct items with at least one match, `vulnerabilities_found` distinct vulnerabilities (the host’s operating system included).',
    'At most 60 reports per key per minute by default (429 with `Retry-After`); bodies up to 10 MB (413 above).',
  ].join(' '),
  request: { body: { content: { 'application/json': { schema: AgentReportBodySchema } }, required: true } },
  responses: { 200: json(AgentReportResponseSchema, 'Inventory processed'), ...errors(400, 413, 429) },
});

/** An organization reference of a credential: the id (`"1"`) or the key (`"default"`). */
async function organizationOf(reference: string | undefined, ctx: RouteContext): Promise<number | undefined> {
  if (reference === undefined) return undefined;
  const org = await inventoryFor(ctx).assets.organization(/^\d+$/.test(reference) ? Number(reference) : reference);
  return org?.id;
}

export function registerAgentReportRoutes(app: OpenAPIHono, ctx: RouteContext, options: AgentReportOptions = {}): void {
  const maxBytes = options.maxBodyBytes ?? DEFAULT_REPORT_BODY_BYTES;
  const limiter = createReportRateLimiter({ limit: options.reportsPerMinute ?? DEFAULT_REPORTS_PER_MINUTE, clock: ctx.clock });
  // The app's general body limit skips this path (see app.ts); reports carry whole package lists.
  app.use(AGENT_REPORT_PATH, bodyLimit({ maxSize: maxBytes, onError: (c) => c.json({ error: `report too large (limit ${maxBytes} bytes)` }, 413) }));

  app.openapi(agentReportRoute, async (c) => {
    const body = c.req.valid('json');
    const principal = getPrincipal(c);
    const ip = clientIp(c, authContext(c)?.trustProxy ?? false);

    const decision = limiter.take(principal?.credentialId ?? `ip\t${ip}`);
    if (!decision.allowed) {
      const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
      // Set before throwing: the error handler answers on this context and keeps its headers.
      c.header('Retry-After', String(seconds));
      throw new RateLimitedError(`rate limited: at most ${limiter.limit} reports per minute per agent key; retry in ${seconds} s`, { retryAfterMs: decision.retryAfterMs });
    }

    let organizationId: number;
    const keyOrganization = await organizationOf(principal?.organization, ctx);
    if (principal?.organization !== undefined && keyOrganization === undefined) {
      throw new ForbiddenError(`the agent key belongs to organization ${principal.organization}, which does not exist`);
    }
    if (keyOrganization !== undefined) {
      if (body.organization_id !== undefined && body.organization_id !== keyOrganization) {
        throw new ForbiddenError(`organization_id ${body.organization_id} is not the agent key's organization (${keyOrganization})`);
      }
      organizationId = keyOrganization;
    } else {
      // A key without an organization, or authentication disabled: the body says, else the built-in one.
      organizationId = body.organization_id ?? 1;
    }

    let agentId: string | undefined;
    if (principal?.credentialId !== undefined && principal.via === 'agent_key') {
      const metadata = (await ctx.auth.credentials.get(principal.credentialId))?.metadata;
      if (typeof metadata?.agent_id === 'string') agentId = metadata.agent_id;
    }
    const origin: ReportOrigin = { organizationId, ip: ip === 'unknown' ? '' : ip, ...(agentId === undefined ? {} : { agentId }) };
    if (body.hostname.trim() === '') throw new InvalidError('hostname: must not be empty');
    return c.json(await acceptReport(inventoryFor(ctx), body, origin), 200);
  });
}
