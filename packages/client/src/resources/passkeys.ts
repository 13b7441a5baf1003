import type {
  PasskeyAuthenticationCredential,
  PasskeyAuthenticationOptions,
  PasskeyBody,
  PasskeyRegistrationCredential,
  PasskeyRegistrationOptions,
  PasskeysAvailable,
  RedirectResponse,
} from '@sentinel-kit/core/contract';
import type { Transport } from '../internal/transport.js';
import { path } from '../path.js';

/**
 * `/api/auth/passkeys/*`: passkey (WebAuthn) registration, sign-in and
 * management. The options are WebAuthn JSON: in a browser, pass them to
 * `PublicKeyCredential.parseCreationOptionsFromJSON()` (or
 * `@simplewebauthn/browser`) and send back `credential.toJSON()`. A
 * successful `loginFinish` keeps the session in the client, like `auth.login`.
 *
 * @example
 * const options = await client.passkeys.registerBegin();
 * const credential = await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) });
 * await client.passkeys.registerFinish(credential.toJSON(), 'Laptop');
 */
export class PasskeysResource {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /** `GET /api/auth/passkeys/available` (public): whether any passkey is registered, i.e. whether to offer passkey sign-in. */
  available(): Promise<PasskeysAvailable> {
    return this.#http.json({ method: 'GET', path: '/api/auth/passkeys/available' });
  }

  /** `POST /api/auth/passkeys/login/begin` (public): options for `navigator.credentials.get()`. */
  loginBegin(): Promise<PasskeyAuthenticationOptions> {
    return this.#http.json({ method: 'POST', path: '/api/auth/passkeys/login/begin' });
  }

  /** `POST /api/auth/passkeys/login/finish` (public): sign in with the authenticator's answer. */
  loginFinish(credential: PasskeyAuthenticationCredential): Promise<RedirectResponse> {
    return this.#http.json({ method: 'POST', path: '/api/auth/passkeys/login/finish', json: { credential } });
  }

  /** `POST /api/auth/passkeys/register/begin`: options for `navigator.credentials.create()`. */
  registerBegin(): Promise<PasskeyRegistrationOptions> {
    return this.#http.json({ method: 'POST', path: '/api/auth/passkeys/register/begin' });
  }

  /** `POST /api/auth/passkeys/register/finish`: store the new passkey under `name` (default "Passkey"). */
  registerFinish(credential: PasskeyRegistrationCredential, name?: string): Promise<PasskeyBody> {
    return this.#http.json({ method: 'POST', path: '/api/auth/passkeys/register/finish', json: { credential, ...(name === undefined ? {} : { name }) } });
  }

  /** `GET /api/auth/passkeys`: your passkeys (id, name, dates; never key material). */
  list(): Promise<PasskeyBody[]> {
    return this.#http.json({ method: 'GET', path: '/api/auth/passkeys' });
  }

  /** `DELETE /api/auth/passkeys/{id}`. */
  delete(id: string): Promise<{ message: string }> {
    return this.#http.json({ method: 'DELETE', path: path`/api/auth/passkeys/${id}` });
  }
}
