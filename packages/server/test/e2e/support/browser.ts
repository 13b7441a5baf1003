import { chromium } from 'playwright-core';
import type { Browser, BrowserContext } from 'playwright-core';

/** Debian's chromium (installed by scripts/install-e2e-deps.sh); never a downloaded browser. */
export const CHROMIUM = process.env['SENTINEL_CHROMIUM'] ?? '/usr/bin/chromium';

export interface SystemBrowser {
  browser: Browser;
  /** A fresh context (own cookies) in the given colour scheme and viewport. */
  context(options?: { colorScheme?: 'light' | 'dark'; width?: number; height?: number }): Promise<BrowserContext>;
  close(): Promise<void>;
}

/**
 * Launch the system chromium headless with everything that would reach the
 * network (updates, sync, QUIC probes) turned off. Playwright gives every
 * launch a fresh temporary profile (its own `--user-data-dir`, removed on close).
 */
export async function launchSystemChromium(): Promise<SystemBrowser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    context: (o = {}) => browser.newContext({ colorScheme: o.colorScheme ?? 'light', viewport: { width: o.width ?? 1280, height: o.height ?? 860 } }),
    async close() {
      await browser.close();
    },
  };
}
