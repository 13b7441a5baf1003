import { z } from 'zod';

/**
 * Wire shapes of single sign-on with OpenID Connect: the public
 * `/api/auth/oidc/*` routes and the admin settings at `/api/settings/oidc`
 * (seed 001 lists the paths). The client secret is answered masked
 * (`****` when one is stored); sending the mask back keeps it.
 */

const role = z.enum(['admin', 'operator', 'viewer']);

export const OidcSettingsSchema = z.object({
  enabled: z.boolean(),
  issuer_url: z.string(),
  client_id: z.string(),
  /** `****` when a secret is stored, `""` when none (a public client). */
  client_secret: z.string(),
  /** Where the provider sends the browser back; `""` = `<this server>/api/auth/oidc/callback`. */
  redirect_url: z.string(),
  /** The redirect URL in use: register this one at the provider. */
  effective_redirect_url: z.string(),
  scopes: z.array(z.string()),
  /** The claim that holds the username (new users, and linking). */
  username_claim: z.string(),
  /** The claim (dotted path allowed, e.g. `realm_access.roles`) whose values `role_mapping` maps. */
  role_claim: z.string(),
  /** Claim value → role, for new users; the most privileged match wins. */
  role_mapping: z.record(z.string(), role),
  /** Role of a new user whose claims match no mapping. */
  default_role: role,
  /** Create a user on first sign-in. */
  auto_provision: z.boolean(),
  /** Link a first sign-in to the existing user whose username equals the `username_claim` value. */
  allow_linking: z.boolean(),
  updated_at: z.string().nullable(),
});
export type OidcSettingsBody = z.infer<typeof OidcSettingsSchema>;

/** `POST /api/settings/oidc`: absent fields keep their value; `client_secret: "****"` keeps the stored secret, `""` removes it. */
export const OidcSettingsUpdateSchema = z.object({
  enabled: z.boolean().optional(),
  issuer_url: z.string().max(2048).optional(),
  client_id: z.string().max(256).optional(),
  client_secret: z.string().max(1024).optional(),
  redirect_url: z.string().max(2048).optional(),
  /** A list, or one space- or comma-separated string; `openid` is always included. */
  scopes: z.union([z.string().max(2048), z.array(z.string().max(128)).max(32)]).optional(),
  username_claim: z.string().max(128).optional(),
  role_claim: z.string().max(128).optional(),
  role_mapping: z.record(z.string(), z.string()).optional(),
  default_role: z.string().optional(),
  auto_provision: z.boolean().optional(),
  allow_linking: z.boolean().optional(),
});
export type OidcSettingsUpdate = z.infer<typeof OidcSettingsUpdateSchema>;

export const OidcAvailableSchema = z.object({
  /** Single sign-on is enabled and configured: a login page should offer it. */
  available: z.boolean(),
  /** Where a browser starts the sign-in. */
  login_url: z.string(),
});
export type OidcAvailable = z.infer<typeof OidcAvailableSchema>;

/** `GET /api/auth/oidc/callback` and `/login` answer this (200) instead of a redirect when the caller accepts JSON only. */
export const OidcRedirectSchema = z.object({ redirect: z.string() });
export type OidcRedirect = z.infer<typeof OidcRedirectSchema>;
