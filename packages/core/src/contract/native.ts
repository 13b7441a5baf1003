import { z } from 'zod';

/**
 * Wire shapes of the native API (seed 001), defined once and shared by the
 * server's routes and the client's types. Field names follow the seed exactly;
 * extra fields are additive.
 */

export const ErrorBodySchema = z.object({ error: z.string() });
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

export const PolicySchema = z.enum(['auto', 'manual', 'pinned']);
export type Policy = z.infer<typeof PolicySchema>;

export const PolicySourceSchema = z.enum(['override', 'label', 'latest_auto_update', 'default']);
export type PolicySource = z.infer<typeof PolicySourceSchema>;

export const HistoryRecordSchema = z.object({
  timestamp: z.string(),
  container_name: z.string(),
  type: z.enum(['update', 'rollback']),
  old_image: z.string(),
  new_image: z.string(),
  outcome: z.enum(['success', 'failed', 'identical', 'skipped']),
  /** Nanoseconds, as the seed's Go `time.Duration`. */
  duration: z.number().int(),
  error: z.string().optional(),
  host_id: z.string(),
  host_name: z.string(),
});
export type HistoryRecord = z.infer<typeof HistoryRecordSchema>;

export const SnapshotSummarySchema = z.object({
  container_name: z.string(),
  timestamp: z.string(),
  image: z.string().optional(),
});
export type SnapshotSummary = z.infer<typeof SnapshotSummarySchema>;

/** The last update of a version that failed (rolled back): not retried automatically until a newer version appears or a user retries. */
export const FailedUpdateSchema = z.object({
  target_image: z.string(),
  error: z.string(),
  /** RFC 3339. */
  failed_at: z.string(),
});
export type FailedUpdate = z.infer<typeof FailedUpdateSchema>;

export const ContainerSchema = z.object({
  id: z.string(),
  name: z.string(),
  image: z.string(),
  policy: PolicySchema,
  state: z.string(),
  maintenance: z.boolean(),
  stack: z.string().optional(),
  /** Where the effective policy comes from. */
  policy_source: PolicySourceSchema.optional(),
  status: z.string().optional(),
  health: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  /** Whether the queue holds an update for this container. */
  update_available: z.boolean().optional(),
  newer_versions: z.array(z.string()).optional(),
  self: z.boolean().optional(),
  /** Present when the last update to the pending version failed and was rolled back. */
  failed_update: FailedUpdateSchema.optional(),
});
export type Container = z.infer<typeof ContainerSchema>;

export const ContainerDetailSchema = ContainerSchema.extend({
  history: z.array(HistoryRecordSchema),
  snapshots: z.array(SnapshotSummarySchema),
});
export type ContainerDetailBody = z.infer<typeof ContainerDetailSchema>;

export const VersionsResponseSchema = z.object({
  name: z.string(),
  image: z.string(),
  current: z.string(),
  /** Newer compatible versions, newest first (ignored versions removed). */
  versions: z.array(z.string()),
  /** The newest version the container's scope lets an auto update apply, if any. */
  within_scope: z.string().nullable(),
  scope: z.enum(['patch', 'minor', 'major']),
});
export type VersionsResponse = z.infer<typeof VersionsResponseSchema>;

export const TagsResponseSchema = z.object({
  name: z.string(),
  image: z.string(),
  repository: z.string(),
  tags: z.array(z.string()),
});
export type TagsResponse = z.infer<typeof TagsResponseSchema>;

export const LogsResponseSchema = z.object({
  logs: z.string(),
  lines: z.number().int(),
  remote: z.boolean(),
});
export type LogsResponse = z.infer<typeof LogsResponseSchema>;

export const StatsResponseSchema = z.object({
  total: z.number().int(),
  running: z.number().int(),
  pending: z.number().int(),
});
export type StatsResponse = z.infer<typeof StatsResponseSchema>;

export const LastScanResponseSchema = z.object({ last_scan: z.string().nullable() });
export type LastScanResponse = z.infer<typeof LastScanResponseSchema>;

export const ActionResponseSchema = z.object({
  status: z.string(),
  name: z.string(),
  message: z.string(),
});
export type ActionResponse = z.infer<typeof ActionResponseSchema>;

export const CheckResponseSchema = z.object({
  status: z.enum(['update_available', 'up_to_date']),
  name: z.string(),
  message: z.string(),
  newer_versions: z.array(z.string()).optional(),
});
export type CheckResponse = z.infer<typeof CheckResponseSchema>;

export const UpdateToVersionBodySchema = z.object({ tag: z.string().min(1).max(128) }).strict();
export type UpdateToVersionBody = z.infer<typeof UpdateToVersionBodySchema>;

export const MessageResponseSchema = z.object({ message: z.string() });
export type MessageResponse = z.infer<typeof MessageResponseSchema>;

export const QueueItemSchema = z.object({
  container_name: z.string(),
  current_image: z.string(),
  newer_versions: z.array(z.string()),
  resolved_current_version: z.string(),
  resolved_target_version: z.string(),
  release_notes_url: z.string().optional(),
  /** Queue key: the name, or `hostID::name` for remote containers. */
  key: z.string(),
  host_id: z.string(),
  /** Image the update will apply. */
  target_image: z.string(),
  /** `version` for a newer tag, `digest` for a re-pushed tag. */
  kind: z.enum(['version', 'digest']),
  detected_at: z.string(),
  /** Present when an update to `target_image` failed: it waits for a user to retry it (approve). */
  failed_update: FailedUpdateSchema.optional(),
});
export type QueueItem = z.infer<typeof QueueItemSchema>;

export const QueueCountSchema = z.object({ count: z.number().int() });
export type QueueCount = z.infer<typeof QueueCountSchema>;

export const IgnoreResponseSchema = ActionResponseSchema.extend({ version: z.string() });
export type IgnoreResponse = z.infer<typeof IgnoreResponseSchema>;

export const PolicyBodySchema = z.object({ policy: PolicySchema }).strict();
export type PolicyBody = z.infer<typeof PolicyBodySchema>;

export const PolicyResponseSchema = z.object({
  status: z.string(),
  name: z.string(),
  policy: PolicySchema,
  message: z.string(),
});
export type PolicyResponse = z.infer<typeof PolicyResponseSchema>;

export const BulkPolicyBodySchema = z
  .object({
    containers: z.array(z.string().min(1)).min(1).max(1000),
    policy: PolicySchema,
    confirm: z.boolean().optional(),
  })
  .strict();
export type BulkPolicyBody = z.infer<typeof BulkPolicyBodySchema>;

export const BulkPolicyPreviewSchema = z.object({
  mode: z.literal('preview'),
  changes: z.array(z.object({ name: z.string(), from: PolicySchema, to: PolicySchema })),
  blocked: z.array(z.object({ name: z.string(), reason: z.string() })),
  unchanged: z.array(z.object({ name: z.string(), reason: z.string() })),
});
export const BulkPolicyExecutedSchema = z.object({
  mode: z.literal('executed'),
  applied: z.number().int(),
  blocked: z.number().int(),
  unchanged: z.number().int(),
});
export const BulkPolicyResponseSchema = z.discriminatedUnion('mode', [BulkPolicyPreviewSchema, BulkPolicyExecutedSchema]);
export type BulkPolicyPreview = z.infer<typeof BulkPolicyPreviewSchema>;
export type BulkPolicyExecuted = z.infer<typeof BulkPolicyExecutedSchema>;
export type BulkPolicyResponse = z.infer<typeof BulkPolicyResponseSchema>;

export const HistoryQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.iso.datetime({ offset: true }).optional(),
});
export type HistoryQuery = z.infer<typeof HistoryQuerySchema>;

export const HistoryExportFormatSchema = z.enum(['json', 'csv']);

/** CSV columns of `GET /api/history/export?format=csv`, in order. */
export const HISTORY_CSV_COLUMNS = [
  'timestamp',
  'container',
  'type',
  'old_image',
  'new_image',
  'outcome',
  'duration_s',
  'error',
  'host_id',
  'host_name',
] as const;

export const EVENT_TYPES = [
  'container_update',
  'container_state',
  'queue_change',
  'scan_complete',
  'policy_change',
  'digest_ready',
  'settings_change',
  'rate_limits',
  'ghcr_check',
  'service_update',
  'cluster_host',
] as const;
export const EventTypeSchema = z.enum(EVENT_TYPES);
export type EventType = z.infer<typeof EventTypeSchema>;

export const EventPayloadSchema = z.object({
  type: EventTypeSchema,
  container_name: z.string().optional(),
  message: z.string(),
  host_id: z.string(),
  host_name: z.string(),
  timestamp: z.string(),
  /** Structured detail (e.g. update outcome, queue action); additive to the seed. */
  data: z.record(z.string(), z.unknown()).optional(),
});
export type EventPayload = z.infer<typeof EventPayloadSchema>;

export const LogsQuerySchema = z.object({
  lines: z.coerce.number().int().min(1).max(500).default(50),
  host: z.string().optional(),
});

export const HealthResponseSchema = z.object({
  /** `starting` until the engine was first probed, `degraded` while it is unreachable. */
  status: z.enum(['ok', 'degraded', 'starting']),
  version: z.string(),
  started_at: z.string(),
  uptime_seconds: z.number(),
  docker: z.object({
    connected: z.boolean(),
    version: z.string().optional(),
    error: z.string().optional(),
    checked_at: z.string().nullable(),
  }),
  scan_in_progress: z.boolean(),
  next_scan_at: z.string().nullable(),
});
export type HealthResponse = z.infer<typeof HealthResponseSchema>;
