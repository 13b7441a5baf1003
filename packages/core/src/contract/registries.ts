import { z } from 'zod';

/**
 * Wire shapes of registry credentials and rate limits (seed 001: "Registry
 * Credentials", `GET /api/ratelimits`). Secrets only ever travel towards the
 * server; every answer carries `****` instead.
 */

const CredentialId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be 1-64 letters, digits, "_", "." or "-", starting with a letter or digit');

/** One credential as `PUT /api/settings/registries` takes it; a secret ending in `****` keeps the saved one. */
export const RegistryCredentialInputSchema = z
  .object({
    id: CredentialId,
    /** `docker.io`, `ghcr.io`, `registry.lan:5000` (Docker Hub aliases are normalised to `docker.io`). */
    registry: z.string().min(1).max(255),
    username: z.string().min(1).max(256),
    /** Password or access token; `****` (or anything ending in it) keeps the saved secret. */
    secret: z.string().min(1).max(16 * 1024),
  })
  .strict();
export type RegistryCredentialInput = z.infer<typeof RegistryCredentialInputSchema>;

export const SaveRegistryCredentialsBodySchema = z.array(RegistryCredentialInputSchema).max(100);
export type SaveRegistryCredentialsBody = z.infer<typeof SaveRegistryCredentialsBodySchema>;

/** A saved credential as answered: `secret` is always `****`. */
export const MaskedRegistryCredentialSchema = z.object({
  id: z.string(),
  registry: z.string(),
  username: z.string(),
  secret: z.literal('****'),
});
export type MaskedRegistryCredential = z.infer<typeof MaskedRegistryCredentialSchema>;

export const RateLimitHealthSchema = z.enum(['ok', 'low', 'exhausted']);

/** One registry's request budget, as its last `ratelimit-*` headers said. */
export const RateLimitEntrySchema = z.object({
  registry: z.string(),
  remaining: z.number().nullable(),
  limit: z.number().nullable(),
  /** RFC 3339; `null` when the registry sends no reset time (Docker Hub sends a window length instead). */
  reset: z.string().nullable(),
  window_seconds: z.number().nullable(),
  updated_at: z.string(),
  status: RateLimitHealthSchema,
});
export type RateLimitEntryBody = z.infer<typeof RateLimitEntrySchema>;

/** `GET /api/ratelimits`: `health` is the worst status over every registry. */
export const RateLimitsResponseSchema = z.object({
  health: RateLimitHealthSchema,
  registries: z.array(RateLimitEntrySchema),
});
export type RateLimitsResponse = z.infer<typeof RateLimitsResponseSchema>;

/** A registry's budget next to its credential: `null` fields until the registry has sent `ratelimit-*` headers. */
export const RegistryRateLimitStatusSchema = z.object({
  registry: z.string(),
  has_credentials: z.boolean(),
  remaining: z.number().nullable(),
  limit: z.number().nullable(),
  reset: z.string().nullable(),
  status: RateLimitHealthSchema,
});

/** `GET /api/settings/registries`. */
export const RegistryCredentialsResponseSchema = z.object({
  credentials: z.array(MaskedRegistryCredentialSchema),
  /** Every registry with a credential or a reported budget. */
  rate_limits: z.array(RegistryRateLimitStatusSchema),
  health: RateLimitHealthSchema,
});
export type RegistryCredentialsResponse = z.infer<typeof RegistryCredentialsResponseSchema>;

/** `PUT /api/settings/registries` and `DELETE /api/settings/registries/{id}`. */
export const RegistryStatusResponseSchema = z.object({ status: z.literal('ok'), message: z.string() });
export type RegistryStatusResponse = z.infer<typeof RegistryStatusResponseSchema>;

/** `POST /api/settings/registries/test`; `id` lets a masked secret be tested against the saved one. */
export const TestRegistryCredentialBodySchema = z
  .object({
    id: CredentialId.optional(),
    registry: z.string().min(1).max(255),
    username: z.string().min(1).max(256),
    secret: z.string().min(1).max(16 * 1024),
  })
  .strict();
export type TestRegistryCredentialBody = z.infer<typeof TestRegistryCredentialBodySchema>;

export const TestRegistryCredentialResponseSchema = z.object({ success: z.boolean(), message: z.string() });
export type TestRegistryCredentialResponse = z.infer<typeof TestRegistryCredentialResponseSchema>;
