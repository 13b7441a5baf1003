import type {
  ApiKeyListResponse,
  AuditBody,
  AuditListQuery,
  AuditListResponse,
  AuditResponse,
  ComplianceResponse,
  CreateApiKeyBody,
  CreatedApiKey,
  CreateWebhookBody,
  EnrollBody,
  EnrollmentTokenBody,
  EnrollmentTokenResponse,
  EnrollResponse,
  FleetVulnerabilityListResponse,
  FleetVulnerabilityQuery,
  FrameworkId,
  SystemListQuery,
  SystemListResponse,
  SystemResponse,
  TokenRequest,
  TokenResponse,
  V1Deleted,
  WebhookDeliveryListResponse,
  WebhookListResponse,
  WebhookResponse,
} from '@sentinel-kit/core/contract';
import type { Transport } from '../internal/transport.js';
import { path } from '../path.js';

/**
 * The audit & compliance API (seed 004, `/api/v1`). Authenticate the client
 * with a JWT (`createSentinelClient({ token: access_token })`, sent as
 * `Authorization: Bearer`) or an API key (`headers: { 'X-API-Key': key }`).
 * Errors carry the surface's `{"detail","error_code","status_code"}` as `body`.
 */
export class V1Resource {
  /** `POST /api/v1/auth/token` and the API keys. */
  readonly auth: V1AuthResource;
  readonly apiKeys: V1ApiKeysResource;
  readonly systems: V1SystemsResource;
  /** Enrollment tokens and agent enrollment. */
  readonly agents: V1AgentsResource;
  readonly audits: V1AuditsResource;
  readonly compliance: V1ComplianceResource;
  readonly vulnerabilities: V1VulnerabilitiesResource;
  readonly webhooks: V1WebhooksResource;
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
    this.auth = new V1AuthResource(http);
    this.apiKeys = new V1ApiKeysResource(http);
    this.systems = new V1SystemsResource(http);
    this.agents = new V1AgentsResource(http);
    this.audits = new V1AuditsResource(http);
    this.compliance = new V1ComplianceResource(http);
    this.vulnerabilities = new V1VulnerabilitiesResource(http);
    this.webhooks = new V1WebhooksResource(http);
  }

  /** `GET /docs`: the Swagger UI page (HTML). */
  docs(): Promise<string> {
    return this.#http.text({ method: 'GET', path: '/docs' });
  }

  /** `GET /redoc`: the ReDoc page (HTML). */
  redoc(): Promise<string> {
    return this.#http.text({ method: 'GET', path: '/redoc' });
  }
}

export class V1AuthResource {
  readonly #http: Transport;
  constructor(http: Transport) {
    this.#http = http;
  }

  /** `POST /api/v1/auth/token`: a JWT (`access_token`, `expires_in` seconds) for a username and password (and `totp_code` with 2FA). */
  token(credentials: TokenRequest): Promise<TokenResponse> {
    return this.#http.json({ method: 'POST', path: '/api/v1/auth/token', json: credentials });
  }
}

export class V1ApiKeysResource {
  readonly #http: Transport;
  constructor(http: Transport) {
    this.#http = http;
  }

  /** `POST /api/v1/api-keys`: a new key (`vp_…`), shown this once. */
  create(body: CreateApiKeyBody): Promise<CreatedApiKey> {
    return this.#http.json({ method: 'POST', path: '/api/v1/api-keys', json: body });
  }

  /** `GET /api/v1/api-keys`: your live keys, never their values. */
  list(): Promise<ApiKeyListResponse> {
    return this.#http.json({ method: 'GET', path: '/api/v1/api-keys' });
  }

  /** `DELETE /api/v1/api-keys/{id}`: revoke one of your keys. */
  delete(id: string): Promise<V1Deleted> {
    return this.#http.json({ method: 'DELETE', path: path`/api/v1/api-keys/${id}` });
  }
}

export class V1SystemsResource {
  readonly #http: Transport;
  constructor(http: Transport) {
    this.#http = http;
  }

  /** `GET /api/v1/systems`: enrolled agents and the Docker host, paged. */
  list(query: SystemListQuery = {}): Promise<SystemListResponse> {
    return this.#http.json({ method: 'GET', path: '/api/v1/systems', query: { ...query } });
  }

  /** `GET /api/v1/systems/{agent_id}`. */
  get(agentId: string): Promise<SystemResponse> {
    return this.#http.json({ method: 'GET', path: path`/api/v1/systems/${agentId}` });
  }

  /** `POST /api/v1/systems/{agent_id}/audit`: audit the system now. */
  audit(agentId: string, body: AuditBody = {}): Promise<AuditResponse> {
    return this.#http.json({ method: 'POST', path: path`/api/v1/systems/${agentId}/audit`, json: body });
  }
}

export class V1AgentsResource {
  readonly #http: Transport;
  constructor(http: Transport) {
    this.#http = http;
  }

  /** `POST /api/v1/agents/enrollment-token`: a token (`enr_…`, shown once) agents enroll with. */
  createEnrollmentToken(body: EnrollmentTokenBody): Promise<EnrollmentTokenResponse> {
    return this.#http.json({ method: 'POST', path: '/api/v1/agents/enrollment-token', json: body });
  }

  /** `POST /api/v1/agents/enroll` (no credential needed): spend one use of a token; answers the agent's id and key. */
  enroll(body: EnrollBody): Promise<EnrollResponse> {
    return this.#http.json({ method: 'POST', path: '/api/v1/agents/enroll', json: body });
  }
}

export class V1AuditsResource {
  readonly #http: Transport;
  constructor(http: Transport) {
    this.#http = http;
  }

  /** `GET /api/v1/audits`: newest first, filtered by `severity` and `system`, at most `limit`. */
  list(query: AuditListQuery = {}): Promise<AuditListResponse> {
    return this.#http.json({ method: 'GET', path: '/api/v1/audits', query: { ...query } });
  }
}

export class V1ComplianceResource {
  readonly #http: Transport;
  constructor(http: Transport) {
    this.#http = http;
  }

  /** `GET /api/v1/compliance/{framework}/status`: `nist`, `iso27001`, `soc2` or `hipaa`. */
  status(framework: FrameworkId | (string & {})): Promise<ComplianceResponse> {
    return this.#http.json({ method: 'GET', path: path`/api/v1/compliance/${framework}/status` });
  }
}

export class V1VulnerabilitiesResource {
  readonly #http: Transport;
  constructor(http: Transport) {
    this.#http = http;
  }

  /** `GET /api/v1/vulnerabilities`: what the fleet's matches found, worst first. */
  list(query: FleetVulnerabilityQuery = {}): Promise<FleetVulnerabilityListResponse> {
    return this.#http.json({ method: 'GET', path: '/api/v1/vulnerabilities', query: { ...query, severity: typeof query.severity === 'string' ? query.severity : query.severity?.join(',') } });
  }
}

export class V1WebhooksResource {
  readonly #http: Transport;
  constructor(http: Transport) {
    this.#http = http;
  }

  /** `POST /api/v1/webhooks`: deliveries are signed with `X-Signature-256: sha256=<HMAC of the body>`. */
  create(body: CreateWebhookBody): Promise<WebhookResponse> {
    return this.#http.json({ method: 'POST', path: '/api/v1/webhooks', json: body });
  }

  /** `GET /api/v1/webhooks`: secrets masked. */
  list(): Promise<WebhookListResponse> {
    return this.#http.json({ method: 'GET', path: '/api/v1/webhooks' });
  }

  /** `DELETE /api/v1/webhooks/{id}`. */
  delete(id: string): Promise<V1Deleted> {
    return this.#http.json({ method: 'DELETE', path: path`/api/v1/webhooks/${id}` });
  }

  /** `GET /api/v1/webhooks/{id}/deliveries`: the delivery log, newest first. */
  deliveries(id: string): Promise<WebhookDeliveryListResponse> {
    return this.#http.json({ method: 'GET', path: path`/api/v1/webhooks/${id}/deliveries` });
  }
}
