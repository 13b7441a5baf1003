import { afterEach } from 'vitest';
import { createSentinelClient } from '@sentinel-kit/client';
import type { SentinelClient, SentinelClientOptions } from '@sentinel-kit/client';
import { createAppFixture, REGISTRY_HOST } from '../support/app-fixture.js';
import type { AppFixture } from '../support/app-fixture.js';

export const BASE_URL = 'http://sentinel.test';

export interface ClientFixture extends AppFixture {
  client: SentinelClient;
  /** Image reference in the fake registry. */
  ref(repo: string, tag: string): string;
}

const open: AppFixture[] = [];
afterEach(async () => {
  for (const f of open.splice(0)) await f.close();
});

/** The in-process app plus a client whose `fetch` is the app's (no sockets); closed after each test. */
export function setup(
  options: { fixture?: Parameters<typeof createAppFixture>[0]; client?: Partial<SentinelClientOptions> } = {},
): ClientFixture {
  const fixture = createAppFixture(options.fixture);
  open.push(fixture);
  const client = createSentinelClient({ baseUrl: BASE_URL, fetch: fixture.fetch, ...options.client });
  return { ...fixture, client, ref: (repo, tag) => `${REGISTRY_HOST}/${repo}:${tag}` };
}

/** Publish `repo` at each tag and run a container named `name` on the first one. */
export function seedWithVersions(f: ClientFixture, name: string, repo: string, tags: string[], labels: Record<string, string> = {}): void {
  for (const tag of tags) f.publish(repo, tag);
  const first = tags[0];
  if (first === undefined) throw new Error('seedWithVersions needs at least one tag');
  f.docker.seedContainer({ name, image: f.ref(repo, first), labels });
}

/** Poll `check` until it holds or `deadlineMs` passes (then fail with `what`). The deadline only bounds a wait on a loaded machine; it is no timing assertion. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, deadlineMs = 20_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
