import { z } from 'zod';
import { SeveritySchema } from './inventory.js';
import type { Severity } from './inventory.js';

/**
 * Wire shapes of the audit & compliance API (seed 004, `/api/v1/...`):
 * tokens and API keys, systems and agent enrollment, audits with their
 * findings, compliance status per framework, fleet vulnerabilities and
 * outbound webhooks. Field names of the seed (`access_token`, `token_type`,
 * `expires_in`, `status`, `data`, `systems`, `total`, `page`, `detail`,
 * `error_code`, `status_code`, `include_vulnerability_scan`, `expires_days`,
 * `max_uses`…) keep their names; the rest are additive.
 */

// ── Envelope and errors ──────────────────────────────────────────────────────

/** Every error of the surface: `{"detail": "Agent not found", "error_code": "NOT_FOUND", "status_code": 404}`. */
export const V1ErrorBodySchema = z.object({
  detail: z.string(),
  /** `VALIDATION_ERROR`, `BAD_REQUEST`, `UNAUTHORIZED`, `FORBIDDEN`, `NOT_FOUND`, `CONFLICT`, `PAYLOAD_TOO_LARGE`, `RATE_LIMITED`, `INTERNAL_ERROR`… */
  error_code: z.string(),
  status_code: z.number().int(),
});
export type V1ErrorBody = z.infer<typeof V1ErrorBodySchema>;

/** `{"status": "success", "data": …}`, the seed's success envelope. */
export const v1Envelope = <T extends z.ZodType>(data: T) => z.object({ status: z.literal('success'), data });

/** What a deletion answers. */
export const V1DeletedSchema = v1Envelope(z.object({ id: z.string(), deleted: z.literal(true) }));
export type V1Deleted = z.infer<typeof V1DeletedSchema>;

// ── Authentication ───────────────────────────────────────────────────────────

/** `POST /api/v1/auth/token`, as a form (`username=…&password=…`) or JSON. */
export const TokenRequestSchema = z.object({
  username: z.string().min(1).max(128),
  password: z.string().min(1).max(1024),
  /** The current TOTP code (or a recovery code) for users with two-factor authentication. */
  totp_code: z.string().min(1).max(64).optional(),
});
export type TokenRequest = z.infer<typeof TokenRequestSchema>;

export const TokenResponseSchema = z.object({
  /** A JWT (HS256): `sub` the user id, `scope: "api"`, `exp`. */
  access_token: z.string(),
  token_type: z.literal('bearer'),
  /** Seconds until it expires. */
  expires_in: z.number().int(),
});
export type TokenResponse = z.infer<typeof TokenResponseSchema>;

export const CreateApiKeyBodySchema = z.object({ name: z.string().trim().min(1).max(100) }).strict();
export type CreateApiKeyBody = z.infer<typeof CreateApiKeyBodySchema>;

/** The answer of `POST /api/v1/api-keys`: the key is shown this once. */
export const CreatedApiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  /** `vp_…`: send it as `X-API-Key` (or as `X-AUTH-TOKEN: <key>/<id>` on the image inventory API). */
  key: z.string(),
  prefix: z.string(),
  created_at: z.string(),
});
export type CreatedApiKey = z.infer<typeof CreatedApiKeySchema>;

export const ApiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The first characters of the key (`vp_Ab3d`), never the key. */
  prefix: z.string(),
  organization_id: z.number().int(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
});
export type ApiKey = z.infer<typeof ApiKeySchema>;

export const ApiKeyListResponseSchema = v1Envelope(z.object({ api_keys: z.array(ApiKeySchema), total: z.number().int() }));
export type ApiKeyListResponse = z.infer<typeof ApiKeyListResponseSchema>;

// ── Systems and enrollment ───────────────────────────────────────────────────

export const SystemKindSchema = z.enum(['host', 'docker_host']);
export type SystemKind = z.infer<typeof SystemKindSchema>;

export const SystemStatusSchema = z.enum(['online', 'offline']);
export type SystemStatus = z.infer<typeof SystemStatusSchema>;

/** Stored vulnerability matches of a system, by severity. */
export const VulnerabilityCountsSchema = z.object({
  total: z.number().int(),
  critical: z.number().int(),
  high: z.number().int(),
  medium: z.number().int(),
  low: z.number().int(),
  /** Matches listed in CISA's Known Exploited Vulnerabilities catalogue. */
  in_kev: z.number().int(),
});
export type VulnerabilityCounts = z.infer<typeof VulnerabilityCountsSchema>;

export const FindingSeveritySchema = z.enum(['critical', 'high', 'medium', 'low', 'info']);
export type FindingSeverity = z.infer<typeof FindingSeveritySchema>;

/** Findings of an audit, by severity. */
export const FindingCountsSchema = z.object({
  total: z.number().int(),
  critical: z.number().int(),
  high: z.number().int(),
  medium: z.number().int(),
  low: z.number().int(),
  info: z.number().int(),
});
export type FindingCounts = z.infer<typeof FindingCountsSchema>;

export const SystemSchema = z.object({
  /** `agt_…` for an enrolled agent; `local-docker` for the server's own Docker host. */
  agent_id: z.string(),
  asset_id: z.number().int(),
  hostname: z.string(),
  os: z.string(),
  kind: SystemKindSchema,
  /** `online` when the system reported (or, for the Docker host, answered) within the offline threshold. */
  status: SystemStatusSchema,
  last_seen: z.string(),
  ip_address: z.string(),
  organization_id: z.number().int(),
  tags: z.array(z.string()),
  software_count: z.number().int(),
  vulnerabilities: VulnerabilityCountsSchema,
  last_audit: z
    .object({ id: z.string(), completed_at: z.string(), score: z.number().int().nullable(), findings: FindingCountsSchema })
    .nullable(),
  created_at: z.string(),
});
export type System = z.infer<typeof SystemSchema>;

export const SystemListQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  per_page: z.coerce.number().int().min(1).max(500).default(50),
  status: SystemStatusSchema.optional(),
  kind: SystemKindSchema.optional(),
});
/** The query of `GET /api/v1/systems`, as a client sends it. */
export interface SystemListQuery {
  page?: number;
  per_page?: number;
  status?: SystemStatus;
  kind?: SystemKind;
}

export const SystemListResponseSchema = v1Envelope(
  z.object({ systems: z.array(SystemSchema), total: z.number().int(), page: z.number().int(), per_page: z.number().int() }),
);
export type SystemListResponse = z.infer<typeof SystemListResponseSchema>;

export const SystemResponseSchema = v1Envelope(SystemSchema);
export type SystemResponse = z.infer<typeof SystemResponseSchema>;

export const AgentIdParamSchema = z.object({ agent_id: z.string().min(1).max(128) });

export const EnrollmentTokenBodySchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    /** Days until the token expires. @default 7 */
    expires_days: z.number().int().min(1).max(365).default(7),
    /** How many agents may enroll with it. @default 1 */
    max_uses: z.number().int().min(1).max(100_000).default(1),
  })
  .strict();
export type EnrollmentTokenBody = z.input<typeof EnrollmentTokenBodySchema>;

export const EnrollmentTokenResponseSchema = v1Envelope(
  z.object({
    /** `enr_…`: shown this once. */
    token: z.string(),
    id: z.string(),
    name: z.string(),
    expires_at: z.string(),
    max_uses: z.number().int(),
    uses: z.number().int(),
    organization_id: z.number().int(),
  }),
);
export type EnrollmentTokenResponse = z.infer<typeof EnrollmentTokenResponseSchema>;

export const EnrollBodySchema = z
  .object({
    token: z.string().min(1).max(256),
    hostname: z
      .string()
      .trim()
      .min(1)
      .max(255)
      .regex(/^[^\s/]+$/, 'hostname must not contain whitespace or "/"'),
    os: z.string().trim().min(1).max(200).optional(),
    tags: z.array(z.string().min(1).max(64)).max(50).optional(),
  })
  .strict();
export type EnrollBody = z.infer<typeof EnrollBodySchema>;

export const EnrollResponseSchema = v1Envelope(
  z.object({
    agent_id: z.string(),
    /** `sk_agent_…`: the agent's key for `POST /api/agent/report` (`X-Agent-Key`), shown this once. */
    agent_key: z.string(),
    organization_id: z.number().int(),
    asset_id: z.number().int(),
  }),
);
export type EnrollResponse = z.infer<typeof EnrollResponseSchema>;

// ── Audits ───────────────────────────────────────────────────────────────────

export const FrameworkIdSchema = z.enum(['nist', 'iso27001', 'soc2', 'hipaa']);
export type FrameworkId = z.infer<typeof FrameworkIdSchema>;

/** Controls of each framework a check maps to. */
export const ControlRefsSchema = z.object({
  nist: z.array(z.string()),
  iso27001: z.array(z.string()),
  soc2: z.array(z.string()),
  hipaa: z.array(z.string()),
});
export type ControlRefs = z.infer<typeof ControlRefsSchema>;

export const AuditCategorySchema = z.enum(['container', 'vulnerability']);
export type AuditCategory = z.infer<typeof AuditCategorySchema>;

export const FindingTargetSchema = z.object({
  /** `container` (container checks), `package` (an installed product), `image` (a container's image). */
  type: z.enum(['container', 'package', 'image']),
  name: z.string(),
  version: z.string().optional(),
  /** The container's image, for container and image findings. */
  image: z.string().optional(),
});
export type FindingTarget = z.infer<typeof FindingTargetSchema>;

export const FindingVulnerabilitySchema = z.object({
  id: z.string(),
  cve: z.string().nullable(),
  severity: SeveritySchema,
  cvss_score: z.number().nullable(),
  in_kev: z.boolean(),
  fixed_version: z.string().nullable(),
});
export type FindingVulnerability = z.infer<typeof FindingVulnerabilitySchema>;

export const AuditFindingSchema = z.object({
  check_id: z.string(),
  category: AuditCategorySchema,
  severity: FindingSeveritySchema,
  title: z.string(),
  target: FindingTargetSchema,
  /** What was observed, e.g. `HostConfig.Privileged is true`. */
  evidence: z.string(),
  remediation: z.string(),
  /** The benchmark item the check follows (`CIS Docker Benchmark 5.4`), when there is one. */
  reference: z.string().nullable(),
  controls: ControlRefsSchema,
  /** The vulnerabilities behind a vulnerability finding. */
  vulnerabilities: z.array(FindingVulnerabilitySchema).optional(),
});
export type AuditFinding = z.infer<typeof AuditFindingSchema>;

export const CheckStatusSchema = z.enum(['pass', 'fail', 'not_assessed']);
export type CheckStatus = z.infer<typeof CheckStatusSchema>;

/** One check of an audit: whether it passed over everything it looked at. */
export const AuditCheckResultSchema = z.object({
  check_id: z.string(),
  title: z.string(),
  category: AuditCategorySchema,
  severity: FindingSeveritySchema,
  status: CheckStatusSchema,
  /** Containers or packages the check could look at. */
  targets_assessed: z.number().int(),
  targets_failed: z.number().int(),
  /** Why (part of) the check could not be assessed. */
  note: z.string().nullable(),
  reference: z.string().nullable(),
});
export type AuditCheckResult = z.infer<typeof AuditCheckResultSchema>;

export const AuditSchema = z.object({
  id: z.string(),
  agent_id: z.string(),
  asset_id: z.number().int(),
  hostname: z.string(),
  system_kind: SystemKindSchema,
  status: z.literal('completed'),
  include_vulnerability_scan: z.boolean(),
  started_at: z.string(),
  completed_at: z.string(),
  /** Percent of assessed checks that passed; null when nothing could be assessed. */
  score: z.number().int().nullable(),
  summary: FindingCountsSchema.extend({
    checks_passed: z.number().int(),
    checks_failed: z.number().int(),
    checks_not_assessed: z.number().int(),
  }),
  findings: z.array(AuditFindingSchema),
  checks: z.array(AuditCheckResultSchema),
  notes: z.array(z.string()),
});
export type Audit = z.infer<typeof AuditSchema>;

export const AuditBodySchema = z.object({ include_vulnerability_scan: z.boolean().default(false) }).strict();
export type AuditBody = z.input<typeof AuditBodySchema>;

export const AuditResponseSchema = v1Envelope(AuditSchema);
export type AuditResponse = z.infer<typeof AuditResponseSchema>;

export const AuditListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  /** Only audits with findings of this severity; their `findings` are narrowed to it. */
  severity: FindingSeveritySchema.optional(),
  /** Only audits of this system (`agent_id`). */
  system: z.string().min(1).max(128).optional(),
});
/** The query of `GET /api/v1/audits`, as a client sends it. */
export interface AuditListQuery {
  limit?: number;
  severity?: FindingSeverity;
  /** `agent_id` of one system. */
  system?: string;
}

export const AuditListResponseSchema = v1Envelope(z.object({ audits: z.array(AuditSchema), total: z.number().int(), limit: z.number().int() }));
export type AuditListResponse = z.infer<typeof AuditListResponseSchema>;

// ── Compliance ───────────────────────────────────────────────────────────────

export const ComplianceCheckStatusSchema = z.object({
  check_id: z.string(),
  title: z.string(),
  status: CheckStatusSchema,
  /** Systems (`agent_id`) whose latest audit failed the check. */
  failed_systems: z.array(z.string()),
});

export const ControlStatusSchema = z.object({
  control_id: z.string(),
  title: z.string(),
  status: CheckStatusSchema,
  checks: z.array(ComplianceCheckStatusSchema),
});
export type ControlStatus = z.infer<typeof ControlStatusSchema>;

export const ComplianceStatusSchema = z.object({
  framework: FrameworkIdSchema,
  name: z.string(),
  /** `fail` when any control fails, `pass` when some pass and none fail, `not_assessed` before any audit. */
  status: CheckStatusSchema,
  /** When the newest audit it is computed from completed. */
  assessed_at: z.string().nullable(),
  systems_assessed: z.number().int(),
  summary: z.object({ pass: z.number().int(), fail: z.number().int(), not_assessed: z.number().int() }),
  controls: z.array(ControlStatusSchema),
});
export type ComplianceStatus = z.infer<typeof ComplianceStatusSchema>;

export const ComplianceResponseSchema = v1Envelope(ComplianceStatusSchema);
export type ComplianceResponse = z.infer<typeof ComplianceResponseSchema>;

export const FrameworkParamSchema = z.object({ framework: z.string().min(1).max(32) });

// ── Vulnerabilities ──────────────────────────────────────────────────────────

export const FleetVulnerabilityQuerySchema = z.object({
  /** One severity or several, comma-separated (`critical,high`). */
  severity: z
    .string()
    .regex(/^(critical|high|medium|low|none|unknown)(,(critical|high|medium|low|none|unknown))*$/, 'severity must be critical, high, medium, low, none or unknown (comma-separated for several)')
    .optional(),
  in_kev: z.enum(['true', 'false']).optional(),
  /** Only vulnerabilities found on this system (`agent_id`). */
  system: z.string().min(1).max(128).optional(),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  per_page: z.coerce.number().int().min(1).max(500).default(50),
});
/** The query of `GET /api/v1/vulnerabilities`, as a client sends it. */
export interface FleetVulnerabilityQuery {
  severity?: Severity | readonly Severity[];
  in_kev?: boolean;
  /** `agent_id` of one system. */
  system?: string;
  page?: number;
  per_page?: number;
}

export const AffectedSystemSchema = z.object({
  agent_id: z.string().nullable(),
  asset_id: z.number().int(),
  hostname: z.string(),
  kind: z.string(),
  package: z.string(),
  version: z.string(),
  fixed_version: z.string().nullable(),
});

export const FleetVulnerabilitySchema = z.object({
  id: z.string(),
  cve: z.string().nullable(),
  title: z.string().nullable(),
  description: z.string().nullable(),
  severity: SeveritySchema,
  cvss_score: z.number().nullable(),
  cvss_vector: z.string().nullable(),
  in_kev: z.boolean(),
  kev_due_date: z.string().nullable(),
  published: z.string().nullable(),
  /** Distinct assets it was found on. */
  affected_count: z.number().int(),
  affected: z.array(AffectedSystemSchema),
});
export type FleetVulnerability = z.infer<typeof FleetVulnerabilitySchema>;

export const FleetVulnerabilityListResponseSchema = v1Envelope(
  z.object({ vulnerabilities: z.array(FleetVulnerabilitySchema), total: z.number().int(), page: z.number().int(), per_page: z.number().int() }),
);
export type FleetVulnerabilityListResponse = z.infer<typeof FleetVulnerabilityListResponseSchema>;

// ── Outbound webhooks ────────────────────────────────────────────────────────

export const WEBHOOK_EVENTS = ['audit.completed', 'vulnerability.critical', 'agent.offline', 'compliance.failed'] as const;
export const WebhookEventSchema = z.enum(WEBHOOK_EVENTS);
export type WebhookEvent = z.infer<typeof WebhookEventSchema>;

export const CreateWebhookBodySchema = z
  .object({
    url: z
      .string()
      .max(2048)
      .refine((value) => {
        try {
          const u = new URL(value);
          return u.protocol === 'http:' || u.protocol === 'https:';
        } catch {
          return false;
        }
      }, 'url must be an http:// or https:// URL'),
    events: z.array(WebhookEventSchema).min(1).max(WEBHOOK_EVENTS.length),
    /** Signs every delivery: `X-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`. */
    secret: z.string().min(8).max(256),
  })
  .strict();
export type CreateWebhookBody = z.infer<typeof CreateWebhookBodySchema>;

export const WebhookSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(WebhookEventSchema),
  /** Always masked. */
  secret: z.string(),
  created_at: z.string(),
});
export type Webhook = z.infer<typeof WebhookSchema>;

export const WebhookResponseSchema = v1Envelope(WebhookSchema);
export type WebhookResponse = z.infer<typeof WebhookResponseSchema>;
export const WebhookListResponseSchema = v1Envelope(z.object({ webhooks: z.array(WebhookSchema), total: z.number().int() }));
export type WebhookListResponse = z.infer<typeof WebhookListResponseSchema>;

export const WebhookIdParamSchema = z.object({ id: z.string().min(1).max(64) });

export const DeliveryAttemptSchema = z.object({
  at: z.string(),
  /** The receiver's HTTP status; null when no answer came (network error, timeout). */
  status_code: z.number().int().nullable(),
  error: z.string().nullable(),
  duration_ms: z.number().int(),
});

export const WebhookDeliverySchema = z.object({
  id: z.string(),
  webhook_id: z.string(),
  event: WebhookEventSchema,
  /** `pending` (first attempt under way), `retrying` (waiting for the next attempt), `delivered`, `failed` (attempts exhausted). */
  status: z.enum(['pending', 'retrying', 'delivered', 'failed']),
  created_at: z.string(),
  next_attempt_at: z.string().nullable(),
  attempts: z.array(DeliveryAttemptSchema),
  /** The JSON body that was (or will be) sent. */
  payload: z.record(z.string(), z.unknown()),
});
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;

export const WebhookDeliveryListResponseSchema = v1Envelope(z.object({ deliveries: z.array(WebhookDeliverySchema), total: z.number().int() }));
export type WebhookDeliveryListResponse = z.infer<typeof WebhookDeliveryListResponseSchema>;

/** The body of every outbound delivery. */
export interface WebhookPayload {
  /** `evt_…`, the same across the retries of one delivery. */
  id: string;
  event: WebhookEvent;
  created_at: string;
  data: Record<string, unknown>;
}
