import { z } from 'zod';
import { PolicySchema } from './native.js';

/**
 * Wire shapes of the settings endpoints (seed 001, "Settings → Modifying").
 * Bodies are strict: an unknown field is a 400. Ranges are checked by the
 * engine (`parseSetting`), which names the allowed range in the error.
 */

/** `GET /api/settings`: a flat map of strings, env keys (configured value) next to runtime keys (effective value). */
export const SettingsMapSchema = z.record(z.string(), z.string());
export type SettingsMap = z.infer<typeof SettingsMapSchema>;

const ok = <T extends z.ZodRawShape>(shape: T) =>
  z.object({
    status: z.literal('ok'),
    ...shape,
    message: z.string(),
  });

/** Answer of a setting read on the next start; `note` says when this server does not apply it (yet). */
const restart = <T extends z.ZodRawShape>(shape: T) => ok({ ...shape, restart_required: z.literal(true), note: z.string().optional() });

/** Answer of a setting this server stores but does not act on. */
const storedOnly = <T extends z.ZodRawShape>(shape: T) => ok({ ...shape, note: z.string() });

export const EnabledBodySchema = z.object({ enabled: z.boolean() }).strict();
export type EnabledBody = z.infer<typeof EnabledBodySchema>;
export const EnabledResponseSchema = ok({ enabled: z.boolean() });
export type EnabledResponse = z.infer<typeof EnabledResponseSchema>;

export const PollIntervalBodySchema = z.object({ interval: z.string().min(1).max(32) }).strict();
export const PollIntervalResponseSchema = ok({ interval: z.string() });
export type PollIntervalResponse = z.infer<typeof PollIntervalResponseSchema>;

export const DefaultPolicyBodySchema = z.object({ policy: PolicySchema }).strict();
export const DefaultPolicyResponseSchema = ok({ policy: PolicySchema });
export type DefaultPolicyResponse = z.infer<typeof DefaultPolicyResponseSchema>;

export const GracePeriodBodySchema = z.object({ duration: z.string().min(1).max(32) }).strict();
export const GracePeriodResponseSchema = ok({ duration: z.string() });
export type GracePeriodResponse = z.infer<typeof GracePeriodResponseSchema>;

export const PauseBodySchema = z.object({ paused: z.boolean() }).strict();
export const PauseResponseSchema = ok({ paused: z.boolean() });
export type PauseResponse = z.infer<typeof PauseResponseSchema>;

export const FiltersBodySchema = z.object({ patterns: z.array(z.string().max(255)).max(100) }).strict();
export const FiltersResponseSchema = ok({ patterns: z.array(z.string()) });
export type FiltersResponse = z.infer<typeof FiltersResponseSchema>;

export const ScheduleBodySchema = z
  .object({
    /** Cron expression (5 fields, or 6 with seconds first); empty disables it (the poll interval applies). */
    schedule: z.string().max(128),
    /** IANA time zone of the schedule (also used by the maintenance window). */
    timezone: z.string().min(1).max(64).optional(),
  })
  .strict();
export const ScheduleResponseSchema = ok({ schedule: z.string(), timezone: z.string(), next_run: z.string().nullable() });
export type ScheduleResponse = z.infer<typeof ScheduleResponseSchema>;

export const RollbackPolicyBodySchema = z.object({ policy: z.enum(['none', 'manual', 'pinned', '']) }).strict();
export const RollbackPolicyResponseSchema = ok({ policy: z.enum(['none', 'manual', 'pinned']) });
export type RollbackPolicyResponse = z.infer<typeof RollbackPolicyResponseSchema>;

export const VersionScopeBodySchema = z.object({ scope: z.enum(['patch', 'minor', 'major']) }).strict();
export const VersionScopeResponseSchema = ok({ scope: z.enum(['patch', 'minor', 'major']) });
export type VersionScopeResponse = z.infer<typeof VersionScopeResponseSchema>;

export const UpdateDelayBodySchema = z.object({ delay: z.string().min(1).max(32) }).strict();
export const UpdateDelayResponseSchema = ok({ delay: z.string() });
export type UpdateDelayResponse = z.infer<typeof UpdateDelayResponseSchema>;

export const ScanConcurrencyBodySchema = z.object({ concurrency: z.number().int() }).strict();
export const ScanConcurrencyResponseSchema = ok({ concurrency: z.number().int() });
export type ScanConcurrencyResponse = z.infer<typeof ScanConcurrencyResponseSchema>;

export const MaintenanceWindowBodySchema = z
  .object({
    /** `[days] HH:MM-HH:MM`, several separated by `;`; empty removes the window. */
    window: z.string().max(512),
    timezone: z.string().min(1).max(64).optional(),
  })
  .strict();
export const MaintenanceWindowResponseSchema = ok({ window: z.string(), timezone: z.string(), open_now: z.boolean() });
export type MaintenanceWindowResponse = z.infer<typeof MaintenanceWindowResponseSchema>;

export const StackOrderBodySchema = z.object({ order: z.array(z.string().max(255)).max(500) }).strict();
export const StackOrderResponseSchema = ok({ order: z.array(z.string()) });
export type StackOrderResponse = z.infer<typeof StackOrderResponseSchema>;

export const DashboardColumnsBodySchema = z.object({ columns: z.array(z.string().max(64)).max(32) }).strict();
export const DashboardColumnsResponseSchema = ok({ columns: z.array(z.string()) });
export type DashboardColumnsResponse = z.infer<typeof DashboardColumnsResponseSchema>;

export const ComposeSyncResponseSchema = storedOnly({ enabled: z.boolean() });
export type ComposeSyncResponse = z.infer<typeof ComposeSyncResponseSchema>;

export const HaDiscoveryBodySchema = z.object({ enabled: z.boolean(), prefix: z.string().min(1).max(128).optional() }).strict();
export type HaDiscoveryBody = z.infer<typeof HaDiscoveryBodySchema>;
export const HaDiscoveryResponseSchema = storedOnly({ enabled: z.boolean(), prefix: z.string() });
export type HaDiscoveryResponse = z.infer<typeof HaDiscoveryResponseSchema>;

export const SwitchRoleBodySchema = z.object({ role: z.enum(['standalone', 'server', 'agent']) }).strict();
export const SwitchRoleResponseSchema = restart({ role: z.enum(['standalone', 'server', 'agent']) });
export type SwitchRoleResponse = z.infer<typeof SwitchRoleResponseSchema>;

export const DockerTlsBodySchema = z
  .object({
    /** Paths on the server of the CA certificate, client certificate and client key; all empty clears TLS. */
    ca: z.string().max(4096),
    cert: z.string().max(4096),
    key: z.string().max(4096),
  })
  .strict();
export type DockerTlsBody = z.infer<typeof DockerTlsBodySchema>;
export const DockerTlsResponseSchema = restart({ ca: z.string(), cert: z.string(), key: z.string() });
export type DockerTlsResponse = z.infer<typeof DockerTlsResponseSchema>;

export const DockerTlsTestBodySchema = DockerTlsBodySchema.extend({
  /** Engine to test, `tcp://host:port` or `https://host:port`. @default the engine the server is configured with */
  host: z.string().min(1).max(512).optional(),
}).strict();
export type DockerTlsTestBody = z.infer<typeof DockerTlsTestBodySchema>;
export const DockerTlsTestResponseSchema = z.object({ success: z.boolean(), message: z.string(), host: z.string() });
export type DockerTlsTestResponse = z.infer<typeof DockerTlsTestResponseSchema>;

export const GENERAL_SETTING_KEYS = ['web_port', 'tls_mode', 'tls_cert', 'tls_key', 'log_format'] as const;
export const GeneralBodySchema = z.object({ key: z.enum(GENERAL_SETTING_KEYS), value: z.string().max(4096) }).strict();
export type GeneralBody = z.infer<typeof GeneralBodySchema>;
export const GeneralResponseSchema = restart({ key: z.enum(GENERAL_SETTING_KEYS), value: z.string() });
export type GeneralResponse = z.infer<typeof GeneralResponseSchema>;
