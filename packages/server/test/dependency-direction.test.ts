import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sources(p));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const importsOf = (file: string): string[] =>
  [...readFileSync(file, 'utf8').matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2] ?? '');

describe('dependency direction', () => {
  it('core never imports a framework, a driver or node:fs', () => {
    const forbidden = /^(hono|@hono\/|dockerode|lowdb|ky|pino|node:fs|fs|node:child_process|child_process|node:net|@sentinel-kit\/(server|client))(\/|$)/;
    const testingOnly = /^vitest$/;
    const offenders: string[] = [];
    let seen = 0;
    for (const file of sources(join(root, 'packages/core/src'))) {
      const rel = relative(root, file);
      for (const spec of importsOf(file)) {
        seen++;
        if (forbidden.test(spec)) offenders.push(`${rel} imports ${spec}`);
        if (testingOnly.test(spec) && !rel.includes('/testing/')) offenders.push(`${rel} imports ${spec} outside testing/`);
      }
    }
    // The scan itself must work: core has well over a hundred imports.
    expect(seen).toBeGreaterThan(100);
    expect(offenders).toEqual([]);
  });

  it('the client depends on core for types only', () => {
    const offenders: string[] = [];
    for (const file of sources(join(root, 'packages/client/src'))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^\s*import\s+(?!type\b)[^;]*?from\s+['"](@sentinel-kit\/[^'"]+|hono[^'"]*|dockerode|lowdb)['"]/gm)) {
        offenders.push(`${relative(root, file)} imports ${m[1]} at runtime`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
