import type { OidcAvailable, OidcRedirect, OidcSettingsBody, OidcSettingsUpdate } from '@sentinel-kit/core/contract';
import type { Transport } from '../internal/transport.js';

/**
 * Single sign-on with OpenID Connect. A browser navigates to
 * `/api/auth/oidc/login` itself; this client asks for the same steps as JSON,
 * so a script (or a test) can drive the flow: `login()` returns the
 * provider's URL (and keeps the state cookie), `callback()` finishes with the
 * query the provider sent back and keeps the session.
 *
 * @example
 * await admin.oidc.saveSettings({ enabled: true, issuer_url: 'https://id.example.com', client_id: 'sentinel', client_secret: secret });
 * const { redirect } = await client.oidc.login(); // send the user there
 */
export class OidcResource {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /** `GET /api/auth/oidc/available` (public): whether single sign-on is enabled and configured. */
  available(): Promise<OidcAvailable> {
    return this.#http.json({ method: 'GET', path: '/api/auth/oidc/available' });
  }

  /** `GET /api/auth/oidc/login` (public): the provider's authorization URL (with state, nonce and PKCE). */
  login(): Promise<OidcRedirect> {
    return this.#http.json({ method: 'GET', path: '/api/auth/oidc/login', retry: 0 });
  }

  /** `GET /api/auth/oidc/callback` (public): finish with the provider's answer (`?code=…&state=…`, a `URLSearchParams` or the query string). */
  callback(query: URLSearchParams | string): Promise<OidcRedirect> {
    const params = typeof query === 'string' ? new URLSearchParams(query) : query;
    return this.#http.json({ method: 'GET', path: '/api/auth/oidc/callback', query: Object.fromEntries(params), retry: 0 });
  }

  /** `GET /api/settings/oidc` (users.manage): the settings, client secret masked. */
  getSettings(): Promise<OidcSettingsBody> {
    return this.#http.json({ method: 'GET', path: '/api/settings/oidc' });
  }

  /** `POST /api/settings/oidc` (users.manage): change some settings; the issuer is discovered before saving (400 with the reason if it fails). */
  saveSettings(settings: OidcSettingsUpdate): Promise<OidcSettingsBody> {
    return this.#http.json({ method: 'POST', path: '/api/settings/oidc', json: settings });
  }
}
