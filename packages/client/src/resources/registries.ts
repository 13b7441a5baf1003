import type {
  RateLimitsResponse,
  RegistryCredentialInput,
  RegistryCredentialsResponse,
  RegistryStatusResponse,
  TestRegistryCredentialBody,
  TestRegistryCredentialResponse,
} from '@sentinel-kit/core/contract';
import type { Transport } from '../internal/transport.js';
import { path } from '../path.js';

/** `/api/settings/registries…` and `/api/ratelimits`: registry logins and request budgets. Secrets only travel to the server. */
export class RegistriesResource {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /** `GET /api/settings/registries`: saved credentials (secrets as `****`) and each registry's rate-limit status. */
  list(): Promise<RegistryCredentialsResponse> {
    return this.#http.json({ method: 'GET', path: '/api/settings/registries' });
  }

  /** `PUT /api/settings/registries`: replace the saved list; a secret ending in `****` keeps the saved one. */
  save(credentials: RegistryCredentialInput[]): Promise<RegistryStatusResponse> {
    return this.#http.json({ method: 'PUT', path: '/api/settings/registries', json: credentials });
  }

  /** `POST /api/settings/registries/test`: try the credential against the registry; `success: false` carries the reason. */
  test(credential: TestRegistryCredentialBody): Promise<TestRegistryCredentialResponse> {
    return this.#http.json({ method: 'POST', path: '/api/settings/registries/test', json: credential });
  }

  /** `DELETE /api/settings/registries/{id}`. */
  delete(id: string): Promise<RegistryStatusResponse> {
    return this.#http.json({ method: 'DELETE', path: path`/api/settings/registries/${id}` });
  }

  /** `GET /api/ratelimits`: overall health (`ok`, `low`, `exhausted`) and each registry's last reported budget. */
  rateLimits(): Promise<RateLimitsResponse> {
    return this.#http.json({ method: 'GET', path: '/api/ratelimits' });
  }
}
