import type { OpenAPIHono } from '@hono/zod-openapi';
import type { RouteContext } from '../../http/app-types.js';
import { rateLimitMiddleware } from '../../v1/rate-limiter.js';
import { v1ServicesFor } from '../../v1/v1-services.js';
import type { ApiV1Options } from '../../v1/v1-services.js';
import { registerApiKeyRoutes } from './api-keys.js';
import { registerAuditRoutes } from './audits.js';
import { registerTokenRoutes } from './auth-token.js';
import { registerComplianceRoutes } from './compliance.js';
import { registerDocsUiRoutes } from './docs-ui.js';
import { registerEnrollmentRoutes } from './enrollment.js';
import { registerSystemRoutes } from './systems.js';
import { registerVulnerabilityRoutes } from './vulnerabilities.js';
import { registerWebhookRoutesV1 } from './webhooks.js';

/**
 * The audit & compliance API of seed 004 (`/api/v1/...`: tokens and API
 * keys, systems and enrollment, audits, compliance, vulnerabilities,
 * outbound webhooks) with its rate limits, plus `/docs` and `/redoc`.
 */
export function registerV1Routes(app: OpenAPIHono, ctx: RouteContext, options: ApiV1Options = {}): void {
  const services = v1ServicesFor(ctx, options);
  // Registered before the routes so that it runs first on every /api/v1 request, unknown paths included.
  if (options.rateLimit !== false) app.use('/api/v1/*', rateLimitMiddleware({ auth: ctx.auth, clock: ctx.clock, ...(options.rateLimit === undefined ? {} : { limits: options.rateLimit }) }));
  app.openAPIRegistry.registerComponent('securitySchemes', 'V1Bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'The access_token of POST /api/v1/auth/token.',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'V1ApiKey', {
    type: 'apiKey',
    in: 'header',
    name: 'X-API-Key',
    description: 'An API key (vp_…) from POST /api/v1/api-keys.',
  });
  registerTokenRoutes(app, ctx, services);
  registerApiKeyRoutes(app, ctx);
  registerSystemRoutes(app, ctx, services);
  registerEnrollmentRoutes(app, ctx, services);
  registerAuditRoutes(app, ctx, services);
  registerComplianceRoutes(app, ctx, services);
  registerVulnerabilityRoutes(app, ctx);
  registerWebhookRoutesV1(app, ctx, services);
  registerDocsUiRoutes(app, ctx);
}

export type { ApiV1Options } from '../../v1/v1-services.js';
