/**
 * A tour of the typed client: list containers, approve every pending update,
 * then follow the live event stream.
 *
 *   SENTINEL_URL=http://127.0.0.1:8080 SENTINEL_TOKEN=sntkn_… pnpm client-tour [--no-approve] [--max-events N]
 *
 * Without a token, give a username and password instead: the tour signs in
 * (on a fresh server it creates that admin first, with POST /setup) and
 * creates a short-lived API token to use, as a script would.
 *
 *   SENTINEL_URL=… SENTINEL_USERNAME=admin SENTINEL_PASSWORD=… pnpm client-tour
 */
import { parseArgs } from 'node:util';
import { createSentinelClient, isApiError } from '@sentinel-kit/client';

const { values } = parseArgs({
  options: {
    'no-approve': { type: 'boolean', default: false },
    'max-events': { type: 'string' },
  },
});
const maxEvents = values['max-events'] === undefined ? Infinity : Number(values['max-events']);

const baseUrl = process.env.SENTINEL_URL ?? 'http://127.0.0.1:8080';

/** An API token: SENTINEL_TOKEN, or one created after signing in with SENTINEL_USERNAME / SENTINEL_PASSWORD. */
async function apiToken(): Promise<string | undefined> {
  if (process.env.SENTINEL_TOKEN) return process.env.SENTINEL_TOKEN;
  const username = process.env.SENTINEL_USERNAME;
  const password = process.env.SENTINEL_PASSWORD;
  if (!username || !password) return undefined;
  // This client keeps the session cookie and sends the CSRF token by itself.
  const session = createSentinelClient({ baseUrl });
  if ((await session.auth.setupStatus()).setup_required) {
    await session.auth.setup(username, password);
    console.log(`first run: created the admin "${username}"`);
  } else {
    const login = await session.auth.login(username, password);
    if ('totp_required' in login) throw new Error(`"${username}" uses two-factor authentication: create an API token and pass SENTINEL_TOKEN`);
  }
  // A day is plenty for a tour; a forgotten token stops working by itself.
  const { token, prefix } = await session.auth.createToken('client-tour', { expiresInDays: 1 });
  await session.auth.logout();
  console.log(`signed in as ${username}; using a new API token ${prefix}…`);
  return token;
}

const token = await apiToken();
const client = createSentinelClient({ baseUrl, ...(token === undefined ? {} : { token }) });

const health = await client.health();
console.log(`server ${health.version}, Docker ${health.docker.connected ? `connected (${health.docker.version ?? '?'})` : `unreachable: ${health.docker.error ?? ''}`}`);

const containers = await client.containers.list();
console.log(`\n${containers.length} container(s):`);
for (const c of containers) {
  console.log(`  ${c.name.padEnd(24)} ${c.state.padEnd(9)} ${c.policy.padEnd(7)} ${c.image}${c.update_available ? `  → ${c.newer_versions?.[0] ?? 'new digest'}` : ''}`);
}

const queue = await client.queue.list();
console.log(`\n${queue.length} pending update(s)`);
for (const item of queue) {
  if (values['no-approve']) {
    console.log(`  ${item.key}: ${item.current_image} → ${item.target_image} (not approved: --no-approve)`);
    continue;
  }
  try {
    const res = await client.queue.approve(item.key);
    console.log(`  ${item.key}: ${res.message}`);
  } catch (error) {
    // One refused approval (say, an update already running) should not stop the tour.
    if (isApiError(error)) console.log(`  ${item.key}: refused (${error.status}) ${error.message}`);
    else throw error;
  }
}

console.log('\nfollowing events (Ctrl-C to stop)…');
let seen = 0;
for await (const event of client.events.stream()) {
  console.log(`  [${event.id ?? '-'}] ${event.event} ${JSON.stringify(event.data)}`);
  if (++seen >= maxEvents) break;
}
console.log(`done after ${seen} event(s)`);
