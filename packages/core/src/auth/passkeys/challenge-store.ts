import type { Clock } from '../../ports/clock.js';
import type { StoragePort } from '../../ports/storage.js';
import { hashSecret } from '../secrets.js';

/**
 * Single-use, expiring challenges kept on the server: WebAuthn challenges
 * and OIDC `state` values. Only a SHA-256 of the challenge is stored (the key),
 * with what the flow needs at its second step. A challenge is consumed by the
 * first `consume`, whether or not the step then succeeds, so a captured
 * response can never be replayed against it.
 */
export interface ChallengeStore<T> {
  /** Remember `challenge` with `data` until `ttlMs` from now; resolves when it expires (epoch ms). */
  issue(challenge: string, data: T): Promise<number>;
  /** The data of a live challenge, deleting it; `undefined` when unknown, already used or expired. */
  consume(challenge: string): Promise<T | undefined>;
  /** Delete expired challenges; resolves how many. */
  prune(): Promise<number>;
}

export interface ChallengeStoreOptions {
  /** Storage collection of this kind of challenge. */
  collection: string;
  /** How long a challenge stays valid. @default 5 minutes */
  ttlMs?: number;
  /**
   * Most challenges outstanding at once. The begin steps are public, so a
   * flood of them must not grow storage without bound: beyond this, the
   * oldest are forgotten first. @default 1000
   */
  max?: number;
}

interface StoredChallenge<T> {
  data: T;
  expiresAt: number;
}

export const DEFAULT_CHALLENGE_TTL_MS = 5 * 60_000;

/**
 * @example
 * const challenges = createChallengeStore<{ userId: string }>(storage, clock, { collection: 'auth_passkey_challenges' });
 * await challenges.issue(options.challenge, { userId });
 * const pending = await challenges.consume(challengeFromClientData); // once only
 */
export function createChallengeStore<T>(storage: StoragePort, clock: Clock, options: ChallengeStoreOptions): ChallengeStore<T> {
  const ttlMs = options.ttlMs ?? DEFAULT_CHALLENGE_TTL_MS;
  const max = Math.max(1, options.max ?? 1000);
  const collection = options.collection;

  const store: ChallengeStore<T> = {
    async issue(challenge, data) {
      const now = clock.now();
      const entries = await storage.list<StoredChallenge<T>>(collection);
      const live = entries.filter((e) => e.value.expiresAt > now).sort((a, b) => a.value.expiresAt - b.value.expiresAt);
      const evicted = [...entries.filter((e) => e.value.expiresAt <= now), ...live.slice(0, Math.max(0, live.length - max + 1))];
      const expiresAt = now + ttlMs;
      await storage.batch([
        ...evicted.map((e) => ({ op: 'delete' as const, collection, key: e.key })),
        { op: 'put', collection, key: hashSecret(challenge), value: { data, expiresAt } satisfies StoredChallenge<T> },
      ]);
      return expiresAt;
    },

    async consume(challenge) {
      if (typeof challenge !== 'string' || challenge === '' || challenge.length > 512) return undefined;
      const key = hashSecret(challenge);
      const stored = await storage.get<StoredChallenge<T>>(collection, key);
      // `delete` answers whether the key was still there: of two concurrent consumers, only one sees `true`.
      if (stored === undefined || !(await storage.delete(collection, key))) return undefined;
      return stored.expiresAt > clock.now() ? stored.data : undefined;
    },

    async prune() {
      const now = clock.now();
      const expired = (await storage.list<StoredChallenge<T>>(collection)).filter((e) => e.value.expiresAt <= now);
      if (expired.length > 0) await storage.batch(expired.map((e) => ({ op: 'delete' as const, collection, key: e.key })));
      return expired.length;
    },
  };
  return store;
}
