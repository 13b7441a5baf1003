import type { StoragePort } from '../ports/storage.js';

const COLLECTION = 'webhook';
const KEY = 'config';

interface StoredWebhookConfig {
  enabled: boolean;
  /** Hex SHA-256 of the secret: the secret itself is never stored. */
  secret_sha256?: string;
  /** Last 4 characters, so that people can tell secrets apart. */
  secret_hint?: string;
}

export interface WebhookConfigView {
  enabled: boolean;
  secretSet: boolean;
  /** `****` + the last 4 characters, or `''` when no secret is set. */
  maskedSecret: string;
}

/**
 * Inbound-webhook settings: on/off and the shared secret. The secret is
 * generated here (32 random bytes, hex), handed out once, and kept only as a
 * SHA-256 hash; requests are checked by comparing hashes in constant time.
 */
export interface WebhookConfigStore {
  get(): Promise<WebhookConfigView>;
  /** Turn webhooks on or off; turning them on without a secret generates one, returned this once. */
  setEnabled(enabled: boolean): Promise<{ generatedSecret?: string }>;
  /** Replace the secret with a new random one and return it (the only time it is readable). */
  regenerateSecret(): Promise<string>;
  /** Whether `candidate` is the current secret (false when none is set). Constant time in the secret's content. */
  verify(candidate: string | undefined): Promise<boolean>;
}

export function createWebhookConfigStore(storage: StoragePort): WebhookConfigStore {
  const read = async (): Promise<StoredWebhookConfig> => (await storage.get<StoredWebhookConfig>(COLLECTION, KEY)) ?? { enabled: false };

  const newSecret = async (current: StoredWebhookConfig): Promise<{ secret: string; next: StoredWebhookConfig }> => {
    const secret = randomHex(32);
    return { secret, next: { ...current, secret_sha256: await sha256Hex(secret), secret_hint: secret.slice(-4) } };
  };

  return {
    async get() {
      const c = await read();
      const set = c.secret_sha256 !== undefined;
      return { enabled: c.enabled, secretSet: set, maskedSecret: set ? `****${c.secret_hint ?? ''}` : '' };
    },
    async setEnabled(enabled) {
      const current = await read();
      if (enabled && current.secret_sha256 === undefined) {
        const { secret, next } = await newSecret(current);
        await storage.put(COLLECTION, KEY, { ...next, enabled });
        return { generatedSecret: secret };
      }
      await storage.put(COLLECTION, KEY, { ...current, enabled });
      return {};
    },
    async regenerateSecret() {
      const { secret, next } = await newSecret(await read());
      await storage.put(COLLECTION, KEY, next);
      return secret;
    },
    async verify(candidate) {
      const c = await read();
      if (c.secret_sha256 === undefined || candidate === undefined || candidate === '') return false;
      // Comparing fixed-length hashes hides both the secret's length and where a guess first differs.
      return constantTimeEqual(await sha256Hex(candidate), c.secret_sha256);
    },
  };
}

function randomHex(bytes: number): string {
  const buf = new Uint8Array(bytes);
  globalThis.crypto.getRandomValues(buf);
  return [...buf].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function sha256Hex(text: string): Promise<string> {
  const hash = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
