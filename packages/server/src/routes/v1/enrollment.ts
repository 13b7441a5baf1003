import type { OpenAPIHono } from '@hono/zod-openapi';
import { EnrollBodySchema, EnrollResponseSchema, EnrollmentTokenBodySchema, EnrollmentTokenResponseSchema } from '@sentinel-kit/core/contract';
import { authContext } from '../../auth/context.js';
import { clientIp } from '../../auth/request-info.js';
import type { RouteContext } from '../../http/app-types.js';
import { defineRoute, json } from '../../http/route.js';
import type { V1Services } from '../../v1/v1-services.js';
import { V1_SECURITY, V1_TAGS, organizationOf, principalOf, success, v1Errors, v1ScopedErrors } from './common.js';

export const createEnrollmentTokenRoute = defineRoute('scope:api', {
  method: 'post',
  path: '/api/v1/agents/enrollment-token',
  tags: [V1_TAGS.systems],
  security: V1_SECURITY,
  summary: 'Create a new agent enrollment token',
  description:
    '`{"name": "Production", "expires_days": 7, "max_uses": 50}` (defaults: 7 days, 1 use). The token (`enr_…`) is shown this once; agents spend one use each with `POST /api/v1/agents/enroll`, in the caller’s organization.',
  request: { body: { content: { 'application/json': { schema: EnrollmentTokenBodySchema } }, required: true } },
  responses: { 201: json(EnrollmentTokenResponseSchema, 'The token'), ...v1ScopedErrors(400, 413) },
});

export const enrollRoute = defineRoute('public', {
  method: 'post',
  path: '/api/v1/agents/enroll',
  tags: [V1_TAGS.systems],
  summary: 'Enroll an agent with an enrollment token',
  description:
    '`{"token": "enr_…", "hostname": "web-01", "os": "Debian GNU/Linux 12"}` spends one use of the token and answers the agent’s identity and key: `{"agent_id": "agt_…", "agent_key": "sk_agent_…", "organization_id": 1}`. ' +
    'The agent reports with `X-Agent-Key` to `POST /api/agent/report`. Unknown, expired and used-up tokens answer 401.',
  request: { body: { content: { 'application/json': { schema: EnrollBodySchema } }, required: true } },
  responses: { 201: json(EnrollResponseSchema, 'Enrolled'), ...v1Errors(400, 401, 413) },
});

export function registerEnrollmentRoutes(app: OpenAPIHono, ctx: RouteContext, services: V1Services): void {
  const { logger } = ctx;

  app.openapi(createEnrollmentTokenRoute, async (c) => {
    const body = c.req.valid('json');
    const principal = principalOf(c);
    const { token, record } = await services.enrollment.createToken({
      name: body.name,
      expires_days: body.expires_days,
      max_uses: body.max_uses,
      organization_id: organizationOf(principal),
      ...(principal?.userId === undefined ? {} : { created_by: principal.userId }),
    });
    logger.info('enrollment token created', { id: record.id, name: record.name, max_uses: record.max_uses, expires_at: record.expires_at });
    return c.json(
      success({ token, id: record.id, name: record.name, expires_at: record.expires_at, max_uses: record.max_uses, uses: record.uses, organization_id: record.organization_id }),
      201,
    );
  });

  app.openapi(enrollRoute, async (c) => {
    const body = c.req.valid('json');
    const enrolled = await services.enrollment.enroll({ ...body, ip_address: clientIp(c, authContext(c)?.trustProxy ?? false) });
    logger.info('agent enrolled', { agent_id: enrolled.agent_id, hostname: body.hostname, organization_id: enrolled.organization_id });
    return c.json(success(enrolled), 201);
  });
}
