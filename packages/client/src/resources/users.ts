import type { CreatedUser, CreateUserBody, UserBody } from '@sentinel-kit/core/contract';
import type { Transport } from '../internal/transport.js';
import { path } from '../path.js';

/** `/api/auth/users` (users.manage): the users of the server and their roles. */
export class UsersResource {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /** `GET /api/auth/users`: every user, oldest first. */
  list(): Promise<UserBody[]> {
    return this.#http.json({ method: 'GET', path: '/api/auth/users' });
  }

  /** `POST /api/auth/users`: `role_id` is `admin`, `operator` or `viewer`; passwords need 10+ characters. */
  create(user: CreateUserBody): Promise<CreatedUser> {
    return this.#http.json({ method: 'POST', path: '/api/auth/users', json: user });
  }

  /** `PATCH /api/auth/users/{id}`: change a user's role (never the last admin's). */
  update(id: string, changes: { role_id: string }): Promise<UserBody> {
    return this.#http.json({ method: 'PATCH', path: path`/api/auth/users/${id}`, json: changes });
  }

  /** `DELETE /api/auth/users/{id}`: ends the user's sessions and tokens; never yourself or the last admin. */
  delete(id: string): Promise<{ message: string }> {
    return this.#http.json({ method: 'DELETE', path: path`/api/auth/users/${id}` });
  }
}
