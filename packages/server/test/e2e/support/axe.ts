import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);

/** One axe-core violation, as the tests report it. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

let source: string | undefined;

/**
 * Run axe-core (from npm, injected into the page through the debugging
 * protocol, so the page's Content-Security-Policy stays as served) and
 * answer the serious and critical violations.
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  source ??= await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  // Page scripts are strings: this project's tests compile without the DOM library.
  const hasAxe = await page.evaluate<boolean>('typeof globalThis.axe !== "undefined"');
  if (!hasAxe) await page.evaluate(source);
  const result = await page.evaluate<AxeViolation[]>(`axe.run(document, { resultTypes: ['violations'] }).then((r) =>
    r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) })))`);
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
