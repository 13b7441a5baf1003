import type { OpenAPIHono } from '@hono/zod-openapi';
import { AgentIdParamSchema, AuditBodySchema, AuditListQuerySchema, AuditListResponseSchema, AuditResponseSchema } from '@sentinel-kit/core/contract';
import type { RouteContext } from '../../http/app-types.js';
import { defineRoute, json } from '../../http/route.js';
import type { V1Services } from '../../v1/v1-services.js';
import { V1_SECURITY, V1_TAGS, success, v1ScopedErrors } from './common.js';

export const runAuditRoute = defineRoute('scope:api', {
  method: 'post',
  path: '/api/v1/systems/{agent_id}/audit',
  tags: [V1_TAGS.audits],
  security: V1_SECURITY,
  summary: 'Trigger a security audit on an agent',
  description:
    'Audits the system now and answers the stored audit. Every system: its installed software graded by the vulnerabilities it matched (`vuln.*` checks; with `include_vulnerability_scan: true` the inventory is matched again first). ' +
    'The Docker host also gets the container checks of the CIS Docker Benchmark (`docker.*`): privileged, Docker socket, host namespaces, sensitive mounts, added capabilities, root user, no-new-privileges, memory limit, healthcheck, read-only root filesystem, image vulnerabilities and outdated images. ' +
    'Each finding has `check_id`, `severity`, `title`, `evidence`, `remediation` and the framework controls it maps to. Sends `audit.completed` to webhooks.',
  request: {
    params: AgentIdParamSchema,
    body: { content: { 'application/json': { schema: AuditBodySchema } }, required: false },
  },
  responses: { 201: json(AuditResponseSchema, 'The audit'), ...v1ScopedErrors(400, 404, 413) },
});

export const listAuditsRoute = defineRoute('scope:api', {
  method: 'get',
  path: '/api/v1/audits',
  tags: [V1_TAGS.audits],
  security: V1_SECURITY,
  summary: 'List audit results with filtering',
  description:
    'Newest first. `limit` (1–500, default 50); `severity` keeps audits with findings of that severity and narrows their `findings` to it (the `summary` still counts all); `system` keeps one system’s audits (`agent_id`).',
  request: { query: AuditListQuerySchema },
  responses: { 200: json(AuditListResponseSchema, 'Audits'), ...v1ScopedErrors(400) },
});

export function registerAuditRoutes(app: OpenAPIHono, _ctx: RouteContext, services: V1Services): void {
  app.openapi(runAuditRoute, async (c) => {
    const { agent_id } = c.req.valid('param');
    // The body is optional: no body (or an empty one) audits without matching again.
    const body = (c.req.valid('json') as { include_vulnerability_scan?: boolean } | undefined) ?? {};
    const audit = await services.auditRunner.run(agent_id, { include_vulnerability_scan: body.include_vulnerability_scan ?? false });
    return c.json(success(audit), 201);
  });

  app.openapi(listAuditsRoute, async (c) => {
    const { limit, severity, system } = c.req.valid('query');
    let audits = await services.audits.list(system === undefined ? {} : { agentId: system });
    if (severity !== undefined) {
      audits = audits.filter((a) => a.findings.some((f) => f.severity === severity)).map((a) => ({ ...a, findings: a.findings.filter((f) => f.severity === severity) }));
    }
    return c.json(success({ audits: audits.slice(0, limit), total: audits.length, limit }), 200);
  });
}
