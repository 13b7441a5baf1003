import type { PasskeyAuthenticationCredential, PasskeyRegistrationCredential } from '@sentinel-kit/core/contract';
import type { SentinelClient } from './api.js';

// The JSON (de)serialisers of WebAuthn Level 3; present in current Chromium, Firefox and Safari.
interface PublicKeyCredentialJson {
  parseRequestOptionsFromJSON(options: unknown): PublicKeyCredentialRequestOptions;
  parseCreationOptionsFromJSON(options: unknown): PublicKeyCredentialCreationOptions;
}

const statics = (): PublicKeyCredentialJson | undefined => {
  const pkc = (globalThis as { PublicKeyCredential?: unknown }).PublicKeyCredential as Partial<PublicKeyCredentialJson> | undefined;
  return typeof pkc?.parseRequestOptionsFromJSON === 'function' && typeof pkc.parseCreationOptionsFromJSON === 'function' ? (pkc as PublicKeyCredentialJson) : undefined;
};

/** Whether this browser can use passkeys here (WebAuthn with its JSON helpers, on a secure origin). */
export function passkeysSupported(): boolean {
  return window.isSecureContext && statics() !== undefined && navigator.credentials !== undefined;
}

const toJson = (credential: Credential | null): unknown => {
  if (credential === null) throw new Error('no passkey was chosen');
  return (credential as PublicKeyCredential).toJSON();
};

/** Sign in with a discoverable passkey: the server's challenge, the authenticator's answer, the session. */
export async function signInWithPasskey(client: SentinelClient): Promise<void> {
  const json = statics();
  if (json === undefined) throw new Error('this browser does not support passkeys');
  const options = await client.passkeys.loginBegin();
  const credential = await navigator.credentials.get({ publicKey: json.parseRequestOptionsFromJSON(options) });
  await client.passkeys.loginFinish(toJson(credential) as PasskeyAuthenticationCredential);
}

/** Register a passkey for the signed-in user. */
export async function registerPasskey(client: SentinelClient, name: string): Promise<void> {
  const json = statics();
  if (json === undefined) throw new Error('this browser does not support passkeys');
  const options = await client.passkeys.registerBegin();
  const credential = await navigator.credentials.create({ publicKey: json.parseCreationOptionsFromJSON(options) });
  await client.passkeys.registerFinish(toJson(credential) as PasskeyRegistrationCredential, name === '' ? undefined : name);
}
