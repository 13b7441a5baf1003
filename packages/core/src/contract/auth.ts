import { z } from 'zod';

/**
 * Wire shapes of the native API's "Auth & Users" section (seed 001). The
 * seed's examples fix `{"redirect": "/"}`, `{"totp_required", "totp_token"}`,
 * `{"id":"tok_…","name","token"}`, `{"id":"usr_…","username"}` and the `me`
 * body; the rest are additive. No body ever carries a password hash, a token
 * hash or a TOTP key (except the key returned once by TOTP setup).
 */

const username = z.string().min(1, 'username is required').max(128);
// Long enough for any passphrase; the policy (10..256 characters) is applied by the auth service with a clear message.
const password = z.string().max(1024);

/** `POST /login` and `POST /setup`, as JSON or a form. */
export const CredentialsBodySchema = z.object({ username, password });
export type CredentialsBody = z.infer<typeof CredentialsBodySchema>;

export const RedirectResponseSchema = z.object({ redirect: z.string() });
export type RedirectResponse = z.infer<typeof RedirectResponseSchema>;

export const TotpRequiredResponseSchema = z.object({ totp_required: z.literal(true), totp_token: z.string() });
export type TotpRequiredResponse = z.infer<typeof TotpRequiredResponseSchema>;

export const LoginResponseSchema = z.union([RedirectResponseSchema, TotpRequiredResponseSchema]);
export type LoginResponse = z.infer<typeof LoginResponseSchema>;

export const SetupStatusResponseSchema = z.object({
  setup_required: z.boolean(),
  /** How to create the first admin, or that it exists. */
  message: z.string(),
});
export type SetupStatusResponse = z.infer<typeof SetupStatusResponseSchema>;

export const SetupResponseSchema = z.object({ id: z.string(), username: z.string(), role_id: z.string(), redirect: z.string() });
export type SetupResponse = z.infer<typeof SetupResponseSchema>;

export const LogoutResponseSchema = z.object({ message: z.string(), redirect: z.string() });
export type LogoutResponse = z.infer<typeof LogoutResponseSchema>;

export const TotpVerifyBodySchema = z.object({
  totp_token: z.string().min(1, 'totp_token is required').max(256),
  /** A 6-digit code from the authenticator app, or a recovery code. */
  code: z.string().min(1, 'code is required').max(64),
});
export type TotpVerifyBody = z.infer<typeof TotpVerifyBodySchema>;

export const MeResponseSchema = z.object({
  id: z.string(),
  username: z.string(),
  role_id: z.string(),
  permissions: z.array(z.string()),
  auth_enabled: z.boolean(),
  /** How this request authenticated: `session`, `api_token`…, or `anonymous` while authentication is disabled. */
  via: z.string(),
  totp_enabled: z.boolean(),
});
export type MeResponse = z.infer<typeof MeResponseSchema>;

export const ChangePasswordBodySchema = z.object({
  current_password: z.string().max(1024),
  new_password: z.string().max(1024),
});
export type ChangePasswordBody = z.infer<typeof ChangePasswordBodySchema>;

export const AuthMessageResponseSchema = z.object({ message: z.string() });

export const SessionSchema = z.object({
  /** Opaque session id (`ses_…`): use it to revoke the session. Never the cookie value. */
  id: z.string(),
  created_at: z.string(),
  last_seen_at: z.string(),
  /** When the session ends at the latest (7 days after login by default). */
  expires_at: z.string(),
  /** When it ends if unused (24 h after the last request by default). */
  idle_expires_at: z.string(),
  ip: z.string(),
  user_agent: z.string(),
  /** How the user signed in: `password`, `totp`, `recovery_code`, `setup`, `passkey`, `oidc`. */
  method: z.string(),
  /** The session this request came with. */
  current: z.boolean(),
});
export type SessionBody = z.infer<typeof SessionSchema>;

export const RevokedResponseSchema = z.object({ message: z.string(), revoked: z.number().int() });
export type RevokedResponse = z.infer<typeof RevokedResponseSchema>;

export const CreateTokenBodySchema = z.object({
  name: z.string().trim().min(1, 'name is required').max(100),
  /** Narrow the token to these permissions (each one the caller has). Omitted: the token has the owner's role. */
  permissions: z.array(z.string()).max(10).optional(),
  /** Days until the token stops working. Omitted: it never expires. */
  expires_in_days: z.number().int().min(1).max(3650).optional(),
});
export type CreateTokenBody = z.infer<typeof CreateTokenBodySchema>;

export const ApiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The first characters of the token, to tell tokens apart (`sntkn_Ab3d`). */
  prefix: z.string(),
  /** The token's own permissions, or `null` when it has its owner's role. */
  permissions: z.array(z.string()).nullable(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
  expires_at: z.string().nullable(),
});
export type ApiToken = z.infer<typeof ApiTokenSchema>;

export const CreatedTokenSchema = ApiTokenSchema.extend({
  /** The token itself (`sntkn_…`), shown only in this response. */
  token: z.string(),
});
export type CreatedToken = z.infer<typeof CreatedTokenSchema>;

export const TotpSetupResponseSchema = z.object({
  /** The base32 key, to type into an authenticator app (shown only here). */
  secret: z.string(),
  /** The `otpauth://totp/…` URI, to show as a QR code. */
  uri: z.string(),
});
export type TotpSetupResponse = z.infer<typeof TotpSetupResponseSchema>;

export const TotpCodeBodySchema = z.object({ code: z.string().min(1, 'code is required').max(64) });
export type TotpCodeBody = z.infer<typeof TotpCodeBodySchema>;

export const RecoveryCodesResponseSchema = z.object({
  /** Single-use codes that replace a TOTP code once each; shown only here. */
  recovery_codes: z.array(z.string()),
});
export type RecoveryCodesResponse = z.infer<typeof RecoveryCodesResponseSchema>;

export const PasswordBodySchema = z.object({ password: z.string().max(1024) });
export type PasswordBody = z.infer<typeof PasswordBodySchema>;

export const TotpStatusResponseSchema = z.object({
  enabled: z.boolean(),
  pending: z.boolean(),
  recovery_codes_remaining: z.number().int(),
});
export type TotpStatusResponse = z.infer<typeof TotpStatusResponseSchema>;

export const UserSchema = z.object({
  id: z.string(),
  username: z.string(),
  role_id: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  has_password: z.boolean(),
  totp_enabled: z.boolean(),
  external: z.object({ provider: z.string(), subject: z.string() }).optional(),
});
export type UserBody = z.infer<typeof UserSchema>;

export const CreateUserBodySchema = z.object({
  username,
  password,
  /** `admin`, `operator` or `viewer`. */
  role_id: z.string(),
});
export type CreateUserBody = z.infer<typeof CreateUserBodySchema>;

export const CreatedUserSchema = z.object({ id: z.string(), username: z.string(), role_id: z.string() });
export type CreatedUser = z.infer<typeof CreatedUserSchema>;

export const UpdateUserBodySchema = z.object({ role_id: z.string() });
export type UpdateUserBody = z.infer<typeof UpdateUserBodySchema>;

export const AuthSettingsBodySchema = z
  .object({
    auth_enabled: z.boolean().optional(),
    /** Alias of `auth_enabled`. */
    enabled: z.boolean().optional(),
  })
  .refine((b) => b.auth_enabled !== undefined || b.enabled !== undefined, { message: 'auth_enabled (true or false) is required' });
export type AuthSettingsBody = z.infer<typeof AuthSettingsBodySchema>;

export const AuthSettingsResponseSchema = z.object({ auth_enabled: z.boolean(), message: z.string() });
export type AuthSettingsResponse = z.infer<typeof AuthSettingsResponseSchema>;
