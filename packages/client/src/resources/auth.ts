import type {
  ApiToken,
  AuthSettingsResponse,
  CreatedToken,
  LoginResponse,
  LogoutResponse,
  MeResponse,
  RecoveryCodesResponse,
  RedirectResponse,
  RevokedResponse,
  SessionBody,
  SetupResponse,
  SetupStatusResponse,
  TotpSetupResponse,
  TotpStatusResponse,
} from '@sentinel-kit/core/contract';
import type { Transport } from '../internal/transport.js';
import { path } from '../path.js';

export interface CreateTokenOptions {
  /** Narrow the token to these permissions (each one you have). @default your role's permissions */
  permissions?: string[];
  /** Days until the token stops working. @default never */
  expiresInDays?: number;
}

/**
 * `/setup`, `/login`, `/logout` and `/api/auth/*`: sign-in, sessions, API
 * tokens and two-factor authentication. A login or setup made through this
 * client keeps the session cookie in the client and sends the CSRF token on
 * every unsafe request, so a script can sign in without a browser.
 *
 * @example
 * await client.auth.login('admin', process.env.ADMIN_PASSWORD!);
 * const { token } = await client.auth.createToken('CI Token');
 */
export class AuthResource {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /** `GET /setup`: whether the server still needs its first admin, and how to create it. */
  setupStatus(): Promise<SetupStatusResponse> {
    return this.#http.json({ method: 'GET', path: '/setup' });
  }

  /** `POST /setup`: create the first admin (first run only; 409 afterwards) and sign in as it. */
  setup(username: string, password: string): Promise<SetupResponse> {
    return this.#http.json({ method: 'POST', path: '/setup', json: { username, password } });
  }

  /** `POST /login`: sign in; `{"totp_required": true, "totp_token"}` means finish with {@link verifyTotp}. */
  login(username: string, password: string): Promise<LoginResponse> {
    return this.#http.json({ method: 'POST', path: '/login', json: { username, password } });
  }

  /** `POST /api/auth/totp/verify`: finish a login with a TOTP code or a recovery code. */
  verifyTotp(totpToken: string, code: string): Promise<RedirectResponse> {
    return this.#http.json({ method: 'POST', path: '/api/auth/totp/verify', json: { totp_token: totpToken, code } });
  }

  /** `POST /logout`: end this client's session and forget its cookies. */
  async logout(): Promise<LogoutResponse> {
    try {
      return await this.#http.json<LogoutResponse>({ method: 'POST', path: '/logout' });
    } finally {
      this.#http.cookies.clear();
    }
  }

  /** `GET /api/auth/me`: who this client is, with its permissions. */
  me(): Promise<MeResponse> {
    return this.#http.json({ method: 'GET', path: '/api/auth/me' });
  }

  /** `POST /api/auth/change-password`: ends your other sessions. */
  changePassword(currentPassword: string, newPassword: string): Promise<{ message: string }> {
    return this.#http.json({ method: 'POST', path: '/api/auth/change-password', json: { current_password: currentPassword, new_password: newPassword } });
  }

  /** `GET /api/auth/sessions`: your live sessions, newest first (`current` marks this one). */
  listSessions(): Promise<SessionBody[]> {
    return this.#http.json({ method: 'GET', path: '/api/auth/sessions' });
  }

  /** `DELETE /api/auth/sessions/{id}`: end one of your sessions by its id (`ses_…`). */
  revokeSession(id: string): Promise<{ message: string }> {
    return this.#http.json({ method: 'DELETE', path: path`/api/auth/sessions/${id}` });
  }

  /** `DELETE /api/auth/sessions`: end all your sessions but this one. */
  revokeOtherSessions(): Promise<RevokedResponse> {
    return this.#http.json({ method: 'DELETE', path: '/api/auth/sessions' });
  }

  /** `POST /api/auth/tokens`: a new API token; `token` (`sntkn_…`) is returned only here. */
  createToken(name: string, options: CreateTokenOptions = {}): Promise<CreatedToken> {
    const json = {
      name,
      ...(options.permissions === undefined ? {} : { permissions: options.permissions }),
      ...(options.expiresInDays === undefined ? {} : { expires_in_days: options.expiresInDays }),
    };
    return this.#http.json({ method: 'POST', path: '/api/auth/tokens', json });
  }

  /** `GET /api/auth/tokens`: your tokens (never their values). */
  listTokens(): Promise<ApiToken[]> {
    return this.#http.json({ method: 'GET', path: '/api/auth/tokens' });
  }

  /** `DELETE /api/auth/tokens/{id}`: revoke one of your tokens. */
  deleteToken(id: string): Promise<{ message: string }> {
    return this.#http.json({ method: 'DELETE', path: path`/api/auth/tokens/${id}` });
  }

  /** `POST /api/auth/totp/setup`: a new TOTP key and its `otpauth://` URI. */
  totpSetup(): Promise<TotpSetupResponse> {
    return this.#http.json({ method: 'POST', path: '/api/auth/totp/setup' });
  }

  /** `POST /api/auth/totp/confirm`: turn TOTP on with a current code; returns the recovery codes (shown once). */
  totpConfirm(code: string): Promise<RecoveryCodesResponse> {
    return this.#http.json({ method: 'POST', path: '/api/auth/totp/confirm', json: { code } });
  }

  /** `POST /api/auth/totp/disable`: turn TOTP off (needs your password). */
  totpDisable(password: string): Promise<{ message: string }> {
    return this.#http.json({ method: 'POST', path: '/api/auth/totp/disable', json: { password } });
  }

  /** `GET /api/auth/totp/status`. */
  totpStatus(): Promise<TotpStatusResponse> {
    return this.#http.json({ method: 'GET', path: '/api/auth/totp/status' });
  }

  /** `POST /api/auth/settings` (users.manage): turn authentication on or off for the whole server. */
  setEnabled(enabled: boolean): Promise<AuthSettingsResponse> {
    return this.#http.json({ method: 'POST', path: '/api/auth/settings', json: { auth_enabled: enabled } });
  }
}
