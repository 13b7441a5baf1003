export { createPasskeyStore, checkPasskeyName, PASSKEY_NAME_MAX } from './passkey-store.js';
export type { Passkey, NewPasskey, PasskeyStore } from './passkey-store.js';
export { createChallengeStore, DEFAULT_CHALLENGE_TTL_MS } from './challenge-store.js';
export type { ChallengeStore, ChallengeStoreOptions } from './challenge-store.js';
