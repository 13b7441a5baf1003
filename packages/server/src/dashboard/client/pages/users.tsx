import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { errorText } from '../api.js';
import { formatTime } from '../format.js';
import { ActionButton, Field, Loaded, Notice, PageTitle, useAsync, useSession } from '../ui.js';

const ROLES = ['admin', 'operator', 'viewer'] as const;

/** Users and roles, and authentication on or off (users.manage). */
export function UsersPage(): JSX.Element {
  const { client, me, say } = useSession();
  const users = useAsync(() => client.users.list());
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<string>('viewer');
  const [error, setError] = useState<string | undefined>(undefined);
  const create = async (e: Event): Promise<void> => {
    e.preventDefault();
    try {
      await client.users.create({ username, password, role_id: role });
      say(`user ${username} created`, 'ok');
      setUsername('');
      setPassword('');
      setError(undefined);
      void users.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <>
      <PageTitle>Users</PageTitle>
      <section class="card" aria-labelledby="auth-h">
        <h2 id="auth-h">Authentication</h2>
        <p>{me.auth_enabled ? 'On: every request needs a session or a token.' : 'Off: anyone who can reach the server acts as an administrator.'}</p>
        <ActionButton kind={me.auth_enabled ? 'danger' : 'primary'} run={() => client.auth.setEnabled(!me.auth_enabled)} done={me.auth_enabled ? 'authentication turned off' : 'authentication turned on'} onDone={() => location.reload()}>
          {me.auth_enabled ? 'Turn authentication off' : 'Turn authentication on'}
        </ActionButton>
      </section>
      <Loaded state={users} what="the users">
        {(list) => (
          <div class="table-wrap">
            <table>
              <caption class="visually-hidden">Users</caption>
              <thead>
                <tr>
                  <th scope="col">User</th>
                  <th scope="col">Role</th>
                  <th scope="col">Sign-in</th>
                  <th scope="col">Created</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((u) => (
                  <tr key={u.id}>
                    <th scope="row">{u.username}</th>
                    <td>
                      <select
                        aria-label={`Role of ${u.username}`}
                        value={u.role_id}
                        onChange={(e) =>
                          void client.users.update(u.id, { role_id: e.currentTarget.value }).then(
                            () => (say(`${u.username} is now ${e.currentTarget.value}`, 'ok'), void users.reload()),
                            (err: unknown) => (say(errorText(err), 'error'), void users.reload()),
                          )
                        }
                      >
                        {ROLES.map((r) => (
                          <option key={r} value={r}>
                            {r}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>
                      {u.has_password ? 'password' : 'no password'}
                      {u.totp_enabled ? ' + two-factor' : ''}
                    </td>
                    <td>{formatTime(u.created_at)}</td>
                    <td>
                      {u.id === me.id ? (
                        <span class="muted">you</span>
                      ) : (
                        <ActionButton kind="danger" label={`Delete user ${u.username}`} run={() => client.users.delete(u.id)} done={`user ${u.username} deleted`} onDone={() => void users.reload()}>
                          Delete
                        </ActionButton>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Loaded>
      <form class="card" onSubmit={(e) => void create(e)} noValidate aria-labelledby="new-user-h">
        <h2 id="new-user-h">Add a user</h2>
        <div class="form-grid">
          <Field id="nu-name" label="Username">
            <input id="nu-name" value={username} autoComplete="off" onInput={(e) => setUsername(e.currentTarget.value)} />
          </Field>
          <Field id="nu-pw" label="Password" hint="At least 10 characters.">
            <input id="nu-pw" type="password" autoComplete="new-password" aria-describedby="nu-pw-hint" value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
          </Field>
          <Field id="nu-role" label="Role">
            <select id="nu-role" value={role} onChange={(e) => setRole(e.currentTarget.value)}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </Field>
        </div>
        {error === undefined ? null : <Notice kind="error">{error}</Notice>}
        <button type="submit" class="btn btn-primary">
          Add user
        </button>
      </form>
    </>
  );
}
