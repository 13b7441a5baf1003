// The dashboard's containers page with 1,000 containers, in Debian's chromium.
import { access } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { createSentinelClient } from '@sentinel-kit/client';
import type { Page } from 'playwright-core';
import { CHROMIUM, launchSystemChromium } from '../packages/server/test/e2e/support/browser.js';
import { startDashboardFixture } from './dashboard-fixture.js';

export interface DashboardBenchRow {
  measure: string;
  value: string;
  target: string;
}

const RUNS = 3;

/**
 * Wait until an expression is true in the page, checking every 5 ms through the
 * debugging protocol (the page's CSP forbids eval, so waitForFunction cannot take a string).
 */
async function until(page: Page, expression: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate<boolean>(expression))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${expression}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * Time from navigation to all 1,000 rows in the page, and from a policy change
 * made through the API to the row showing it (one SSE event, one row fetched).
 * Without chromium the rows say so instead of a number.
 */
export async function runDashboardBench(): Promise<DashboardBenchRow[]> {
  const count = 1000;
  const fixture = await startDashboardFixture({ count });
  try {
    const js = await (await fetch(`${fixture.url}/ui/app.js`)).text();
    const css = await (await fetch(`${fixture.url}/ui/app.css`)).text();
    const rows: DashboardBenchRow[] = [
      { measure: 'JavaScript shipped (minified / gzip)', value: `${(js.length / 1024).toFixed(1)} KiB / ${(gzipSync(js).length / 1024).toFixed(1)} KiB`, target: 'small (< 60 KiB gzip)' },
      { measure: 'CSS shipped (minified / gzip)', value: `${(css.length / 1024).toFixed(1)} KiB / ${(gzipSync(css).length / 1024).toFixed(1)} KiB`, target: '—' },
    ];
    const present = await access(CHROMIUM).then(
      () => true,
      () => false,
    );
    if (!present) return [...rows, { measure: `render ${count} containers`, value: `skipped: no ${CHROMIUM}`, target: '< 1000 ms' }];
    const browser = await launchSystemChromium();
    try {
      const renders: number[] = [];
      const lives: number[] = [];
      const api = createSentinelClient({ baseUrl: fixture.url, retry: 0 });
      for (let i = 0; i < RUNS; i++) {
        const ctx = await browser.context({ width: 1400, height: 900 });
        const page = await ctx.newPage();
        await page.addInitScript(`new MutationObserver((_, o) => {
          if (document.querySelectorAll('tr.container-row').length === ${count}) { globalThis.allRowsAt = performance.now(); o.disconnect(); }
        }).observe(document, { subtree: true, childList: true })`);
        await page.goto(`${fixture.url}/`);
        await until(page, `globalThis.allRowsAt !== undefined`, 60_000);
        // From the start of navigation (performance time origin) to the mutation that added the last row.
        renders.push(await page.evaluate<number>('globalThis.allRowsAt'));
        await until(page, `document.querySelector('.live-live') !== null`, 30_000);
        const target = `web-${String(5 * (i + 1)).padStart(4, '0')}`;
        const policy = i % 2 === 0 ? 'pinned' : 'auto';
        const started = performance.now();
        await api.containers.setPolicy(target, policy);
        await until(page, `document.querySelector('tr.container-row[data-name="${target}"] select')?.value === '${policy}'`, 30_000);
        lives.push(performance.now() - started);
        await ctx.close();
      }
      const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
      rows.push(
        { measure: `render ${count} containers (navigation → last row), median of ${RUNS}`, value: `${Math.round(median(renders))} ms`, target: '< 1000 ms' },
        { measure: 'API policy change → row updated over SSE, median', value: `${Math.round(median(lives))} ms`, target: 'live, no polling' },
      );
      return rows;
    } finally {
      await browser.close();
    }
  } finally {
    await fixture.close();
  }
}
