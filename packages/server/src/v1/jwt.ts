import { randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import type { AuthService, Clock, Principal, StoragePort, User } from '@sentinel-kit/core';
import type { BearerVerifier } from '../auth/authorizer.js';

/** Where the signing key lives: generated once, kept with the server's data. */
const SECRETS = 'v1_secrets';
const SIGNING_KEY = 'jwt_hs256';
const ISSUER = 'sentinel-kit';
const AUDIENCE = 'sentinel-kit/api/v1';
/** Compact JWS: three base64url parts, the header starting `{"` (`eyJ`). */
const JWT_SHAPE = /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export interface ApiTokenIssuer extends BearerVerifier {
  /** A signed token for `user`, valid for the configured lifetime. */
  issue(user: User): Promise<{ token: string; expiresIn: number }>;
}

export interface ApiTokenIssuerOptions {
  storage: StoragePort;
  clock: Clock;
  auth: AuthService;
  /** Token lifetime in seconds. @default 86400 (the seed's `expires_in`) */
  ttlSeconds?: number;
  /** Organization of the principals tokens stand for. @default '1' (the built-in organization) */
  organization?: string;
}

/**
 * The JWTs of `POST /api/v1/auth/token`: HS256 with a 256-bit key generated
 * on first use and stored, claims `sub` (user id), `scope: "api"`, `iat`,
 * `exp`, `iss`, `aud`, `jti`. A token stands for its user with the user's
 * role and the `api` scope; it stops working when it expires or the user is
 * deleted (the user is looked up on every request).
 */
export function createApiTokenIssuer(options: ApiTokenIssuerOptions): ApiTokenIssuer {
  const ttl = options.ttlSeconds ?? 86_400;
  const organization = options.organization ?? '1';
  let key: Promise<Uint8Array> | undefined;

  const signingKey = (): Promise<Uint8Array> => {
    key ??= (async () => {
      const stored = await options.storage.get<string>(SECRETS, SIGNING_KEY);
      if (typeof stored === 'string' && stored.length >= 43) return new Uint8Array(Buffer.from(stored, 'base64url'));
      const fresh = randomBytes(32);
      await options.storage.put(SECRETS, SIGNING_KEY, fresh.toString('base64url'));
      return new Uint8Array(fresh);
    })();
    // A failed read must not poison every later request.
    key.catch(() => {
      key = undefined;
    });
    return key;
  };

  return {
    async issue(user) {
      const now = Math.floor(options.clock.now() / 1000);
      const token = await new SignJWT({ scope: 'api' })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(user.id)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(now)
        .setExpirationTime(now + ttl)
        .setJti(randomBytes(12).toString('base64url'))
        .sign(await signingKey());
      return { token, expiresIn: ttl };
    },

    accepts: (token) => token.length <= 4096 && JWT_SHAPE.test(token),

    async verify(token) {
      let payload;
      try {
        ({ payload } = await jwtVerify(token, await signingKey(), {
          algorithms: ['HS256'],
          issuer: ISSUER,
          audience: AUDIENCE,
          currentDate: new Date(options.clock.now()),
          requiredClaims: ['sub', 'exp', 'iat'],
        }));
      } catch (error) {
        if (error instanceof joseErrors.JOSEError) return undefined;
        throw error;
      }
      if (payload.scope !== 'api' || typeof payload.sub !== 'string') return undefined;
      const user = await options.auth.users.get(payload.sub);
      if (user === undefined) return undefined;
      const principal: Principal = {
        ...options.auth.principalOf(user, 'access_token', typeof payload.jti === 'string' ? `jwt_${payload.jti}` : undefined),
        scopes: ['api'],
        organization,
      };
      return principal;
    },
  };
}
