import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { createSentinelClient } from '@sentinel-kit/client';
import type { SentinelClient } from '@sentinel-kit/client';
import { generateTotp, silentLogger } from '@sentinel-kit/core';
import { startServer } from '../../src/start-server.js';
import type { RunningServer } from '../../src/start-server.js';
import { seriousViolations } from './support/axe.js';
import { launchSystemChromium } from './support/browser.js';
import type { SystemBrowser } from './support/browser.js';
import { buildTestImage } from './support/images.js';
import { dockerCli, removeContainers, waitFor } from './support/wait.js';

/**
 * The web dashboard in Debian's chromium against the real server and the real
 * engine: first run, sign-in, the containers of the engine, an approved update
 * that the open page follows by itself, a rollback, a viewer without controls,
 * a refused setting, TOTP sign-in; axe-core on every page; screenshots.
 */
const dockerHost = inject('dockerHost');
const registryAddr = inject('registryAddr');
const docker = dockerCli(dockerHost);
const repo = `${registryAddr}/e2e-dash/web`;
const SHOTS = resolve(import.meta.dirname, '../../../../.ci-results/dashboard');
const ADMIN = { username: 'admin', password: 'dashboard-admin-pass' };
const VIEWER = { username: 'watcher', password: 'dashboard-viewer-pass' };
const CONTAINERS = ['dash-web', 'dash-db'];

let server: RunningServer;
let dataDir: string;
let browser: SystemBrowser;
let admin: BrowserContext;
let page: Page;
let api: SentinelClient;
const axeFindings: Array<{ page: string; violations: unknown[] }> = [];

/** Open a route of the dashboard and wait for its heading. */
async function open(p: Page, route: string, heading: RegExp): Promise<void> {
  await p.goto(`${server.url}/#${route}`);
  await p.getByRole('heading', { level: 1, name: heading }).waitFor();
}

/** Record axe's serious and critical violations of the page as it is now. */
async function axe(p: Page, name: string): Promise<void> {
  axeFindings.push({ page: name, violations: await seriousViolations(p) });
}

async function shot(p: Page, name: string): Promise<void> {
  await p.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });
}

const imageOf = async (name: string): Promise<string> => (await docker(['inspect', '-f', '{{.Config.Image}}', name])).stdout.trim();

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  await Promise.all([
    buildTestImage({ repository: 'e2e-dash/web', tag: '1.0.0', behavior: 'runs' }),
    buildTestImage({ repository: 'e2e-dash/web', tag: '1.1.0', behavior: 'healthy' }),
    buildTestImage({ repository: 'e2e-dash/db', tag: '2.0.0', behavior: 'runs' }),
  ]);
  await docker(['run', '-d', '--name', 'dash-web', '--network', 'none', '--label', 'sentinel.policy=manual', '--label', 'com.docker.compose.project=shop', `${repo}:1.0.0`]);
  await docker(['run', '-d', '--name', 'dash-db', '--network', 'none', '--label', 'sentinel.policy=pinned', '--label', 'com.docker.compose.project=shop', `${registryAddr}/e2e-dash/db:2.0.0`]);
  dataDir = await mkdtemp(join(tmpdir(), 'sk-e2e-dash-'));
  server = await startServer(
    {
      port: 0,
      host: '127.0.0.1',
      dataDir,
      dockerHost,
      metrics: false,
      logLevel: 'warn',
      settings: { poll_interval: 24 * 3_600_000, grace_period: 2000, health_timeout: 30_000 },
    },
    { logger: silentLogger },
  );
  browser = await launchSystemChromium();
  admin = await browser.context({ colorScheme: 'light' });
  page = await admin.newPage();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await removeContainers(dockerHost, CONTAINERS);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('the dashboard in chromium against the real server and engine', () => {
  it('serves a first-run setup page that creates the admin, then signs in with the password', async () => {
    await page.goto(`${server.url}/`);
    await page.getByRole('heading', { name: 'Welcome to Sentinel Kit' }).waitFor();
    await axe(page, 'setup');
    await shot(page, 'setup-light');
    await page.getByLabel('Username').fill(ADMIN.username);
    await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await page.getByLabel('Password again').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Create administrator' }).click();
    await page.getByRole('heading', { level: 1, name: 'Containers' }).waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Sentinel Kit' }).waitFor();
    await axe(page, 'login');
    await shot(page, 'login-light');
    await page.getByLabel('Password').fill('not the password');
    await page.getByLabel('Username').fill(ADMIN.username);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('invalid username or password');
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Containers' }).waitFor();

    // A script's view of the same server, for checking what the page claims.
    const script = createSentinelClient({ baseUrl: server.url, retry: 0 });
    await script.auth.login(ADMIN.username, ADMIN.password);
    api = createSentinelClient({ baseUrl: server.url, token: (await script.auth.createToken('e2e dashboard')).token, timeoutMs: 60_000 });
  });

  it('shows the engine’s containers grouped by stack, with their images and states', async () => {
    await waitFor('initial scan', async () => (await api.lastScan()).last_scan ?? undefined);
    await page.reload();
    const web = page.locator('tr.container-row[data-name="dash-web"]');
    await web.waitFor();
    expect(await web.getAttribute('data-image')).toBe(await imageOf('dash-web'));
    await expect.poll(() => web.locator('.col-status').textContent()).toContain('running');
    await expect.poll(() => page.locator('tr.container-row[data-name="dash-db"] .col-policy').textContent()).toContain('pinned');
    await expect.poll(() => page.locator('tr.stack-row', { hasText: 'shop' }).count()).toBe(1);
    // The queued update is on the row, from the initial scan.
    await expect.poll(() => web.locator('.col-update').textContent()).toContain('1.1.0 available');
    await axe(page, 'containers');
    await shot(page, 'containers-light');
  });

  it('approves the queued update from the queue page while the open containers page follows the recreation by itself', async () => {
    // Page A stays on the containers page and is never reloaded; it records what its row showed.
    // (Page scripts are strings: this project's tests compile without the DOM library.)
    await page.evaluate(`(() => {
      const seen = new Set();
      globalThis.seenRowText = seen;
      new MutationObserver(() => {
        const row = document.querySelector('tr.container-row[data-name="dash-web"]');
        if (row !== null) seen.add(row.textContent ?? '');
      }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    })()`);
    const queuePage = await admin.newPage();
    await open(queuePage, '/queue', /Update queue/);
    await queuePage.locator('tr[data-key="dash-web"]').waitFor();
    await axe(queuePage, 'queue');
    await shot(queuePage, 'queue-light');
    await queuePage.getByRole('button', { name: 'Approve update of dash-web' }).click();
    await queuePage.locator('tr[data-key="dash-web"]').waitFor({ state: 'detached', timeout: 60_000 });
    await queuePage.close();

    const web = page.locator('tr.container-row[data-name="dash-web"]');
    await expect.poll(async () => web.getAttribute('data-image'), { timeout: 90_000 }).toBe(`${repo}:1.1.0`);
    expect(await imageOf('dash-web')).toBe(`${repo}:1.1.0`);
    await expect.poll(() => web.locator('.col-status').textContent()).toContain('running');
    const seen = (await page.evaluate<string[]>('[...(globalThis.seenRowText ?? [])]')).join('\n');
    // The row showed the update in progress (maintenance and the engine's phases) before it settled.
    expect(seen).toMatch(/maintenance/);
    expect(seen).toMatch(/starting update|pulling image|image pulled|stopping old container|starting new container|waiting for health check/);
  });

  it('stays live without polling: once the events stop, the page sends no request', async () => {
    // Requests follow events (the update's last events may still be arriving); a polling page would
    // never go quiet for six seconds. Look for such a window within 30 s.
    const quiet = await waitFor(
      'a quiet window',
      async () => {
        const requests: string[] = [];
        const onRequest = (r: { url(): string }): void => void requests.push(r.url());
        page.on('request', onRequest);
        await page.waitForTimeout(6000);
        page.off('request', onRequest);
        return requests.length === 0;
      },
      { timeoutMs: 30_000, intervalMs: 0 },
    );
    expect(quiet).toBe(true);
  });

  it('rolls the container back from the page', async () => {
    const web = page.locator('tr.container-row[data-name="dash-web"]');
    await web.getByRole('button', { name: 'Rollback dash-web' }).click();
    await expect.poll(async () => web.getAttribute('data-image'), { timeout: 90_000 }).toBe(`${repo}:1.0.0`);
    expect(await imageOf('dash-web')).toBe(`${repo}:1.0.0`);
    // The history record is written as the rollback finishes, just after the new container shows.
    await expect.poll(async () => (await api.history.list({ limit: 1 }))[0], { timeout: 30_000 }).toMatchObject({ container_name: 'dash-web', type: 'rollback', outcome: 'success' });
  });

  it('walks every page of the admin with axe-core, in light and dark', async () => {
    const pages: Array<[string, RegExp, string]> = [
      ['/history', /History/, 'history'],
      ['/activity', /Activity/, 'activity'],
      ['/logs/dash-web', /Logs of dash-web/, 'logs'],
      ['/settings', /Settings/, 'settings'],
      ['/notifications', /Notifications/, 'notifications'],
      ['/integrations', /Registries/, 'integrations'],
      ['/system', /Backup/, 'system'],
      ['/users', /Users/, 'users'],
      ['/account', /My account/, 'account'],
      ['/security/assets', /Assets/, 'security-assets'],
      ['/security/images', /Image inventory/, 'security-images'],
      ['/security/compliance', /Audits/, 'security-compliance'],
      ['/security/keys', /Agent keys/, 'security-keys'],
      ['/later/hosts', /Hosts/, 'later-hosts'],
    ];
    for (const [route, heading, name] of pages) {
      await open(page, route, heading);
      await page.waitForLoadState('networkidle').catch(() => undefined);
      await expect.poll(() => page.getByText(/^Loading/).count()).toBe(0);
      await axe(page, name);
      if (['history', 'settings', 'account', 'security-assets', 'notifications'].includes(name)) await shot(page, `${name}-light`);
    }
    const row = page.locator('tr.container-row[data-name="dash-web"]');
    await open(page, '/', /Containers/);
    await row.getByRole('button', { name: 'More about dash-web' }).click();
    await page.getByText(/Current|Versions unavailable|No newer version/).first().waitFor();
    await axe(page, 'containers-details');

    const dark = await browser.browser.newContext({ colorScheme: 'dark', viewport: { width: 1280, height: 860 }, storageState: await admin.storageState() });
    const darkPage = await dark.newPage();
    for (const [route, heading, name] of [['/', /Containers/, 'containers'], ['/queue', /Update queue/, 'queue'], ['/settings', /Settings/, 'settings'], ['/account', /My account/, 'account']] as const) {
      await open(darkPage, route, heading);
      await darkPage.waitForLoadState('networkidle').catch(() => undefined);
      await axe(darkPage, `${name}-dark`);
      await shot(darkPage, `${name}-dark`);
    }
    const phone = await browser.browser.newContext({ colorScheme: 'light', viewport: { width: 390, height: 844 }, storageState: await admin.storageState(), isMobile: true });
    const phonePage = await phone.newPage();
    await open(phonePage, '/', /Containers/);
    await axe(phonePage, 'containers-phone');
    await shot(phonePage, 'containers-phone');
    await dark.close();
    await phone.close();
  });

  it('shows a viewer no control it cannot use, and the server refuses it anyway', async () => {
    await api.users.create({ username: VIEWER.username, password: VIEWER.password, role_id: 'viewer' });
    const ctx = await browser.context();
    const v = await ctx.newPage();
    await v.goto(`${server.url}/`);
    await v.getByLabel('Username').fill(VIEWER.username);
    await v.getByLabel('Password').fill(VIEWER.password);
    await v.getByRole('button', { name: 'Sign in', exact: true }).click();
    await v.locator('tr.container-row[data-name="dash-web"]').waitFor();
    expect(await v.locator('tr.container-row button:not([aria-label^="More about"])').count()).toBe(0);
    expect(await v.locator('tr.container-row select, tr.container-row input').count()).toBe(0);
    await expect.poll(() => v.getByRole('button', { name: 'Scan now' }).count()).toBe(0);
    await expect.poll(() => v.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).count()).toBe(0);
    await expect.poll(() => v.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).count()).toBe(0);
    await axe(v, 'containers-viewer');
    await shot(v, 'containers-viewer-light');
    await open(v, '/queue', /Update queue/);
    expect(await v.getByRole('button', { name: /Approve|Reject|Ignore/ }).count()).toBe(0);
    // The server is the authority: the same calls from the viewer's page are refused.
    const statuses = await v.evaluate<number[]>(`(async () => {
      const csrf = decodeURIComponent(/(?:^|; )sentinel_csrf=([^;]*)/.exec(document.cookie)?.[1] ?? '');
      const post = (path) => fetch(path, { method: 'POST', headers: { 'x-csrf-token': csrf, 'content-type': 'application/json' }, body: '{}' }).then((r) => r.status);
      return [await post('/api/scan'), await post('/api/containers/dash-web/rollback'), await post('/api/settings/pause')];
    })()`);
    expect(statuses).toEqual([403, 403, 403]);
    await ctx.close();
  });

  it('shows the server’s error under a setting with a bad value and changes nothing', async () => {
    const before = (await api.settings.get())['poll_interval'];
    await open(page, '/settings', /Settings/);
    const field = page.getByRole('textbox', { name: 'Poll interval' });
    await field.fill('1m');
    await page.getByRole('button', { name: 'Save Poll interval' }).click();
    const error = page.locator('#setting-poll_interval-error');
    await expect.poll(() => error.textContent()).toMatch(/poll_interval must be between 5m/);
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect((await api.settings.get())['poll_interval']).toBe(before);
    await axe(page, 'settings-error');
    await shot(page, 'settings-error-light');
    // A good value saves.
    await field.fill('12h');
    await page.getByRole('button', { name: 'Save Poll interval' }).click();
    await expect.poll(async () => (await api.settings.get())['poll_interval']).toBe('12h0m0s');
  });

  it('turns on TOTP from the account page, then signs in with a code', async () => {
    await open(page, '/account', /My account/);
    await page.getByRole('button', { name: 'Set up two-factor' }).click();
    const secret = (await page.getByTestId('totp-secret').textContent())?.trim() ?? '';
    expect(secret).toMatch(/^[A-Z2-7]+=*$/);
    await page.getByRole('img', { name: 'QR code of the two-factor key' }).waitFor({ state: 'visible' });
    await axe(page, 'account-totp-setup');
    await shot(page, 'account-totp-light');
    await page.getByLabel('Code from the app').fill(generateTotp({ base32: secret }, Date.now()));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByText('Recovery codes', { exact: true }).waitFor({ state: 'visible' });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Username').fill(ADMIN.username);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Two-factor code' }).waitFor();
    await axe(page, 'totp');
    await shot(page, 'totp-light');
    // A code is accepted once: wait for the next 30-second step before using a new one.
    await new Promise((r) => setTimeout(r, 30_000 - (Date.now() % 30_000) + 500));
    await page.getByLabel('Code').fill(generateTotp({ base32: secret }, Date.now()));
    await page.getByRole('button', { name: 'Verify' }).click();
    // Signed in again, back on the page the hash names.
    await page.getByRole('heading', { level: 1, name: 'My account' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  }, 120_000);

  it('found no serious or critical accessibility violation on any page', () => {
    expect(axeFindings.length).toBeGreaterThanOrEqual(25);
    expect(axeFindings.filter((f) => f.violations.length > 0)).toEqual([]);
  });
});
