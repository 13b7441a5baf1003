import { z } from 'zod';

/**
 * Wire shapes of the operations endpoints of the native API (seed 001):
 * inbound webhook, activity log, release-note sources, about, config
 * export/import. Field names follow the seed; extra fields are additive.
 */

// ── Inbound webhook ────────────────────────────────────────────────────────

/** Where an inbound webhook payload came from, as recognised by its shape. */
export const WEBHOOK_SOURCES = ['dockerhub', 'ghcr', 'generic', 'unknown'] as const;
export const WebhookSourceSchema = z.enum(WEBHOOK_SOURCES);
export type WebhookSource = z.infer<typeof WebhookSourceSchema>;

export const WebhookAcceptedSchema = z.object({
  status: z.literal('accepted'),
  /** The pushed image as the payload named it (`myuser/myapp`, `ghcr.io/org/app`); empty for an unknown payload. */
  image: z.string(),
  tag: z.string(),
  source: WebhookSourceSchema,
  /** Containers running that image, checked now (additive). */
  checked: z.array(z.string()),
  /** Whether a full scan was started because the payload named no image (additive). */
  full_scan: z.boolean(),
});
export type WebhookAccepted = z.infer<typeof WebhookAcceptedSchema>;

export const WebhookEnabledBodySchema = z.object({ enabled: z.boolean() }).strict();
export type WebhookEnabledBody = z.infer<typeof WebhookEnabledBodySchema>;

export const WebhookEnabledResponseSchema = z.object({
  status: z.literal('ok'),
  enabled: z.boolean(),
  message: z.string(),
  /** Present only when enabling generated the first secret: shown this once, never again. */
  secret: z.string().optional(),
});
export type WebhookEnabledResponse = z.infer<typeof WebhookEnabledResponseSchema>;

export const WebhookSecretResponseSchema = z.object({
  /** The new secret, shown this once: only its hash is kept. */
  secret: z.string(),
  message: z.string(),
});
export type WebhookSecretResponse = z.infer<typeof WebhookSecretResponseSchema>;

export const WebhookInfoSchema = z.object({
  enabled: z.boolean(),
  /** Path to POST payloads to. */
  path: z.string(),
  /** The secret masked (`****` + its last 4 characters), empty when none is set. */
  secret: z.string(),
  secret_set: z.boolean(),
});
export type WebhookInfo = z.infer<typeof WebhookInfoSchema>;

// ── Activity log ───────────────────────────────────────────────────────────

export const ACTIVITY_LEVELS = ['info', 'warn', 'error'] as const;
export const ActivityLevelSchema = z.enum(ACTIVITY_LEVELS);
export type ActivityLevel = z.infer<typeof ActivityLevelSchema>;

export const ActivityEntrySchema = z.object({
  /** Increasing with time. */
  id: z.number().int(),
  timestamp: z.string(),
  /** What kind of activity: `scan`, `update`, `rollback`, `queue`, `policy`, `settings`, `webhook`, `container`… */
  type: z.string(),
  level: ActivityLevelSchema,
  message: z.string(),
  container_name: z.string().optional(),
  host_id: z.string().optional(),
  host_name: z.string().optional(),
  /** Who did it, when a person did. */
  user: z.string().optional(),
});
export type ActivityEntry = z.infer<typeof ActivityEntrySchema>;

export const ActivityQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  type: z
    .string()
    .regex(/^[a-z_]{1,32}$/, 'type must be a lowercase activity type such as "update"')
    .optional(),
});
export type ActivityQuery = z.infer<typeof ActivityQuerySchema>;

// ── Release-note sources ───────────────────────────────────────────────────

export const ReleaseSourceSchema = z
  .object({
    /** Glob over the image name (`*` any run of characters, `?` one): `nginx`, `linuxserver/*`, `ghcr.io/org/*`. */
    image_pattern: z
      .string()
      .min(1)
      .max(255)
      .regex(/^[A-Za-z0-9*?._/:@-]+$/, 'image_pattern may hold letters, digits, . _ / : @ - and the wildcards * ?'),
    /** GitHub repository that publishes the image's releases: `owner/repo`. */
    github_repo: z
      .string()
      .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/(?!\.\.?$)[A-Za-z0-9._-]{1,100}$/, 'github_repo must be "owner/repo"'),
  })
  .strict();
export type ReleaseSource = z.infer<typeof ReleaseSourceSchema>;

export const ReleaseSourcesSchema = z
  .array(ReleaseSourceSchema)
  .max(500)
  .superRefine((sources, ctx) => {
    const seen = new Set<string>();
    sources.forEach((s, i) => {
      const key = s.image_pattern.toLowerCase();
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [i, 'image_pattern'], message: `duplicate image_pattern "${s.image_pattern}"` });
      seen.add(key);
    });
  });

// ── About ──────────────────────────────────────────────────────────────────

export const AboutResponseSchema = z.object({
  version: z.string(),
  commit: z.string(),
  /** The runtime in place of the seed's `go_version`: `node v20.19.0`. */
  runtime_version: z.string(),
  data_directory: z.string(),
  /** `3d 12h 5m`. */
  uptime: z.string(),
  started_at: z.string(),
  poll_interval: z.string(),
  last_scan: z.string().nullable(),
  containers: z.number().int(),
  updates_applied: z.number().int(),
  snapshots: z.number().int(),
  channels: z.array(z.object({ name: z.string(), type: z.string() })),
  registries: z.array(z.string()),
});
export type AboutResponse = z.infer<typeof AboutResponseSchema>;

// ── Config export / import ─────────────────────────────────────────────────

/** What an export writes in place of a secret unless `?secrets=true`; an import skips it. */
export const REDACTED = '***REDACTED***';

/** Current backup format; an import refuses any other. */
export const CONFIG_BACKUP_VERSION = '1';

const SectionItemSchema = z.record(z.string(), z.unknown());

export const ConfigBackupSchema = z.object({
  version: z.string(),
  exported_at: z.string(),
  /** Every setting, formatted as `GET /api/settings` shows it. */
  settings: z.record(z.string(), z.string()),
  notifications: z.array(SectionItemSchema),
  registries: z.array(SectionItemSchema),
  /** Additive: release-note source mappings. */
  release_sources: z.array(ReleaseSourceSchema),
  /** Additive: whether inbound webhooks are on (the secret is never exported: regenerate it). */
  webhook: z.object({ enabled: z.boolean() }),
});
export type ConfigBackup = z.infer<typeof ConfigBackupSchema>;

export const ConfigExportQuerySchema = z.object({
  /** `true` includes secrets in clear; otherwise they read `***REDACTED***`. */
  secrets: z.enum(['true', 'false']).optional(),
});

/** What an import accepts: any subset of the sections; setting values may be strings, numbers or booleans. */
export const ConfigImportBodySchema = z
  .object({
    version: z.string().optional(),
    exported_at: z.string().optional(),
    settings: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    notifications: z.array(SectionItemSchema).optional(),
    registries: z.array(SectionItemSchema).optional(),
    release_sources: ReleaseSourcesSchema.optional(),
    webhook: z.object({ enabled: z.boolean() }).strict().optional(),
  })
  .catchall(z.unknown());
export type ConfigImportBody = z.infer<typeof ConfigImportBodySchema>;

export const ConfigImportResponseSchema = z.object({
  message: z.string(),
  settings_imported: z.number().int(),
  notifications_imported: z.number().int(),
  registries_imported: z.number().int(),
  redacted_skipped: z.number().int(),
  warnings: z.array(z.string()),
  /** Additive. */
  release_sources_imported: z.number().int(),
});
export type ConfigImportResponse = z.infer<typeof ConfigImportResponseSchema>;

/** A Grafana dashboard model (import it through Grafana's "Import dashboard"). */
export const GrafanaDashboardSchema = z.record(z.string(), z.unknown());
export type GrafanaDashboard = z.infer<typeof GrafanaDashboardSchema>;
