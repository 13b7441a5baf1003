import { z } from 'zod';

/**
 * Wire shapes of the passkey (WebAuthn) routes of the native API
 * (`/api/auth/passkeys/*`, seed 001 lists the paths). Options and credentials
 * follow the WebAuthn JSON serialization (`PublicKeyCredentialCreationOptionsJSON`,
 * `RegistrationResponseJSON`…) that `@simplewebauthn/browser` and
 * `PublicKeyCredential.parseCreationOptionsFromJSON()` use. No body carries
 * a public key: a passkey is listed by its id, name and dates only.
 */

const base64url = z.string().max(65_536).regex(/^[A-Za-z0-9_-]*={0,2}$/, 'must be base64url');

export const PasskeySchema = z.object({
  /** Our id (`pk_…`): use it to delete the passkey. */
  id: z.string(),
  name: z.string(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
});
export type PasskeyBody = z.infer<typeof PasskeySchema>;

export const PasskeysAvailableSchema = z.object({
  /** Whether any passkey is registered on this server, i.e. whether a login page should offer "Sign in with a passkey". */
  available: z.boolean(),
});
export type PasskeysAvailable = z.infer<typeof PasskeysAvailableSchema>;

const extensionInputs = z
  .object({ appid: z.string().optional(), credProps: z.boolean().optional(), hmacCreateSecret: z.boolean().optional(), minPinLength: z.boolean().optional() })
  .optional();
const descriptor = z.object({ id: z.string(), type: z.string(), transports: z.array(z.string()).optional() });

/** `PublicKeyCredentialCreationOptionsJSON`: pass to `navigator.credentials.create()` (after JSON parsing). */
export const PasskeyRegistrationOptionsSchema = z.object({
  challenge: z.string(),
  rp: z.object({ id: z.string().optional(), name: z.string() }),
  user: z.object({ id: z.string(), name: z.string(), displayName: z.string() }),
  pubKeyCredParams: z.array(z.object({ type: z.string(), alg: z.number() })),
  timeout: z.number().optional(),
  excludeCredentials: z.array(descriptor).optional(),
  authenticatorSelection: z
    .object({
      authenticatorAttachment: z.string().optional(),
      residentKey: z.string().optional(),
      requireResidentKey: z.boolean().optional(),
      userVerification: z.string().optional(),
    })
    .optional(),
  hints: z.array(z.string()).optional(),
  attestation: z.string().optional(),
  extensions: extensionInputs,
});
export type PasskeyRegistrationOptions = z.infer<typeof PasskeyRegistrationOptionsSchema>;

/** `PublicKeyCredentialRequestOptionsJSON`: pass to `navigator.credentials.get()`. */
export const PasskeyAuthenticationOptionsSchema = z.object({
  challenge: z.string(),
  rpId: z.string().optional(),
  timeout: z.number().optional(),
  allowCredentials: z.array(descriptor).optional(),
  userVerification: z.string().optional(),
  hints: z.array(z.string()).optional(),
  extensions: extensionInputs,
});
export type PasskeyAuthenticationOptions = z.infer<typeof PasskeyAuthenticationOptionsSchema>;

/** `RegistrationResponseJSON`: what `navigator.credentials.create()` answered, serialized. */
export const PasskeyRegistrationCredentialSchema = z.looseObject({
  id: base64url.min(1),
  rawId: base64url.min(1),
  type: z.literal('public-key'),
  response: z.looseObject({
    clientDataJSON: base64url.min(1),
    attestationObject: base64url.min(1),
    transports: z.array(z.string().max(32)).max(16).optional(),
  }),
  authenticatorAttachment: z.string().optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
});
export type PasskeyRegistrationCredential = z.input<typeof PasskeyRegistrationCredentialSchema>;

/** `AuthenticationResponseJSON`: what `navigator.credentials.get()` answered, serialized. */
export const PasskeyAuthenticationCredentialSchema = z.looseObject({
  id: base64url.min(1),
  rawId: base64url.min(1),
  type: z.literal('public-key'),
  response: z.looseObject({
    clientDataJSON: base64url.min(1),
    authenticatorData: base64url.min(1),
    signature: base64url.min(1),
    userHandle: base64url.optional(),
  }),
  authenticatorAttachment: z.string().optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
});
export type PasskeyAuthenticationCredential = z.input<typeof PasskeyAuthenticationCredentialSchema>;

export const PasskeyRegisterFinishBodySchema = z.object({
  credential: PasskeyRegistrationCredentialSchema,
  /** A name to tell this passkey apart ("MacBook Touch ID"). @default 'Passkey' */
  name: z.string().max(256).optional(),
});
export type PasskeyRegisterFinishBody = z.input<typeof PasskeyRegisterFinishBodySchema>;

export const PasskeyLoginFinishBodySchema = z.object({ credential: PasskeyAuthenticationCredentialSchema });
export type PasskeyLoginFinishBody = z.input<typeof PasskeyLoginFinishBodySchema>;
