import type { OpenAPIHono } from '@hono/zod-openapi';
import { FRAMEWORK_IDS, NotFoundError, complianceStatus, isFrameworkId } from '@sentinel-kit/core';
import { ComplianceResponseSchema, FrameworkParamSchema } from '@sentinel-kit/core/contract';
import type { RouteContext } from '../../http/app-types.js';
import { defineRoute, json } from '../../http/route.js';
import type { V1Services } from '../../v1/v1-services.js';
import { V1_SECURITY, V1_TAGS, success, v1ScopedErrors } from './common.js';

export const complianceStatusRoute = defineRoute('scope:api', {
  method: 'get',
  path: '/api/v1/compliance/{framework}/status',
  tags: [V1_TAGS.compliance],
  security: V1_SECURITY,
  summary: 'Get compliance status for a framework (nist, iso27001, soc2, hipaa)',
  description:
    'Computed from the latest audit of each system: every control the audit checks map to (table in docs/audit-and-compliance.md), each `pass`, `fail` or `not_assessed` with its checks and the systems failing them, and the framework overall (`fail` if any control fails). An unknown framework answers 404.',
  request: { params: FrameworkParamSchema },
  responses: { 200: json(ComplianceResponseSchema, 'The status'), ...v1ScopedErrors(404) },
});

export function registerComplianceRoutes(app: OpenAPIHono, _ctx: RouteContext, services: V1Services): void {
  app.openapi(complianceStatusRoute, async (c) => {
    const { framework } = c.req.valid('param');
    const id = framework.toLowerCase();
    if (!isFrameworkId(id)) throw new NotFoundError(`Framework not found: ${framework} (one of ${FRAMEWORK_IDS.join(', ')})`);
    return c.json(success(complianceStatus(id, await services.audits.latestPerSystem())), 200);
  });
}
