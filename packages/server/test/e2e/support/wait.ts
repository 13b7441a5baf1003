import { runCommand } from '../stack.js';

/**
 * Poll `probe` until it answers something other than `undefined` or `false`,
 * and return that; fail naming `what` after the deadline. Never a timing
 * assertion: the deadline only bounds a wait for something that must happen.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 250));
  }
}

/** The docker CLI against the stack's engine. */
export function dockerCli(dockerHost: string): (args: string[]) => ReturnType<typeof runCommand> {
  return (args) => runCommand('docker', ['-H', dockerHost, ...args], { timeoutMs: 120_000 });
}

/** Remove a test's containers, and any old container an interrupted update left set aside. */
export async function removeContainers(dockerHost: string, names: readonly string[]): Promise<void> {
  const docker = dockerCli(dockerHost);
  for (const name of names) await docker(['rm', '-f', name]).catch(() => undefined);
  const aside = await docker(['ps', '-aq', '--filter', 'name=sentinel-old']).catch(() => ({ stdout: '' }));
  for (const id of aside.stdout.split('\n').filter(Boolean)) await docker(['rm', '-f', id]).catch(() => undefined);
}
