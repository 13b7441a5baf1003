import { createHash, createPublicKey, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type {
  PasskeyAuthenticationCredential,
  PasskeyAuthenticationOptions,
  PasskeyRegistrationCredential,
  PasskeyRegistrationOptions,
} from '@sentinel-kit/core/contract';

/**
 * A software WebAuthn authenticator for tests: a P-256 key pair per
 * credential, attestation `fmt: "none"` and assertions built byte by byte as
 * the WebAuthn Level 2 spec lays them out (§6.1 authenticator data, §6.5.4
 * attested credential data, §6.3.3 signature over authData ‖ SHA-256(clientDataJSON)).
 * It is deliberately independent of the server's WebAuthn library.
 */

type Cbor = number | string | Uint8Array | Cbor[] | Map<number | string, Cbor>;

/** The few CBOR (RFC 8949) major types an attestation object needs. */
export function cborEncode(value: Cbor): Uint8Array {
  const head = (major: number, n: number): number[] => {
    if (n < 24) return [(major << 5) | n];
    if (n < 0x100) return [(major << 5) | 24, n];
    if (n < 0x10000) return [(major << 5) | 25, n >> 8, n & 0xff];
    return [(major << 5) | 26, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
  };
  const out: number[] = [];
  const write = (v: Cbor): void => {
    if (typeof v === 'number') {
      if (!Number.isInteger(v)) throw new Error('only integers');
      out.push(...(v >= 0 ? head(0, v) : head(1, -1 - v)));
    } else if (typeof v === 'string') {
      const bytes = Buffer.from(v, 'utf8');
      out.push(...head(3, bytes.length), ...bytes);
    } else if (v instanceof Uint8Array) {
      out.push(...head(2, v.length), ...v);
    } else if (Array.isArray(v)) {
      out.push(...head(4, v.length));
      v.forEach(write);
    } else {
      out.push(...head(5, v.size));
      for (const [k, item] of v) {
        write(k);
        write(item);
      }
    }
  };
  write(value);
  return Uint8Array.from(out);
}

const b64url = (bytes: Uint8Array | Buffer): string => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array | string): Buffer => createHash('sha256').update(data).digest();
const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

// Authenticator data flags (WebAuthn §6.1).
const UP = 0x01;
const UV = 0x04;
const AT = 0x40;

export interface SoftCredential {
  /** base64url credential id. */
  id: string;
  privateKey: KeyObject;
  /** base64url user handle the RP gave at registration. */
  userHandle: string;
  rpId: string;
  counter: number;
}

export interface SoftAuthenticatorOptions {
  /** The origin the "browser" is on (goes into clientDataJSON). */
  origin: string;
}

export class SoftAuthenticator {
  readonly credentials: SoftCredential[] = [];
  readonly #origin: string;

  constructor(options: SoftAuthenticatorOptions) {
    this.#origin = options.origin;
  }

  /**
   * `navigator.credentials.create()`: a new P-256 credential, attested with
   * `fmt: "none"`; `credential` re-attests one it holds already (what an RP
   * must refuse as a duplicate).
   */
  create(options: PasskeyRegistrationOptions, overrides: { origin?: string; challenge?: string; credential?: SoftCredential } = {}): PasskeyRegistrationCredential {
    const rpId = options.rp.id ?? new URL(this.#origin).hostname;
    const reused = overrides.credential;
    const { privateKey, publicKey } = reused === undefined ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : { privateKey: reused.privateKey, publicKey: createPublicKey(reused.privateKey) };
    const jwk = publicKey.export({ format: 'jwk' });
    const credentialId = reused === undefined ? randomBytes(16) : Buffer.from(reused.id, 'base64url');
    // COSE_Key (RFC 9053): kty EC2, alg ES256, crv P-256, x, y.
    const coseKey = cborEncode(
      new Map<number, Cbor>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, Buffer.from(jwk.x ?? '', 'base64url')],
        [-3, Buffer.from(jwk.y ?? '', 'base64url')],
      ]),
    );
    const lengthBytes = Buffer.alloc(2);
    lengthBytes.writeUInt16BE(credentialId.length);
    const authData = Buffer.concat([sha256(rpId), Buffer.from([UP | UV | AT]), u32(0), Buffer.alloc(16), lengthBytes, credentialId, coseKey]);
    const clientDataJSON = JSON.stringify({ type: 'webauthn.create', challenge: overrides.challenge ?? options.challenge, origin: overrides.origin ?? this.#origin, crossOrigin: false });
    const attestationObject = cborEncode(
      new Map<string, Cbor>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]),
    );
    if (reused === undefined) this.credentials.push({ id: b64url(credentialId), privateKey, userHandle: options.user.id, rpId, counter: 0 });
    return {
      id: b64url(credentialId),
      rawId: b64url(credentialId),
      type: 'public-key',
      response: { clientDataJSON: b64url(Buffer.from(clientDataJSON)), attestationObject: b64url(attestationObject), transports: ['internal'] },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  /**
   * `navigator.credentials.get()` with a discoverable credential: signs the
   * challenge and advances the signature counter. `counter` forces the value
   * signed (to replay an old one); `credential` picks which one.
   */
  get(options: PasskeyAuthenticationOptions, overrides: { credential?: SoftCredential; counter?: number; challenge?: string; origin?: string } = {}): PasskeyAuthenticationCredential {
    const credential = overrides.credential ?? this.credentials[0];
    if (credential === undefined) throw new Error('the authenticator holds no credential');
    const counter = overrides.counter ?? ++credential.counter;
    const authData = Buffer.concat([sha256(options.rpId ?? credential.rpId), Buffer.from([UP | UV]), u32(counter)]);
    const clientDataJSON = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge: overrides.challenge ?? options.challenge, origin: overrides.origin ?? this.#origin, crossOrigin: false }));
    // ES256: ECDSA over SHA-256, DER-encoded, as WebAuthn requires.
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), credential.privateKey);
    return {
      id: credential.id,
      rawId: credential.id,
      type: 'public-key',
      response: { clientDataJSON: b64url(clientDataJSON), authenticatorData: b64url(authData), signature: b64url(signature), userHandle: credential.userHandle },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }
}
