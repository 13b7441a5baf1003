/**
 * Global setup of the vitest `e2e` project: one Docker Engine and one registry
 * for the whole run, plus the four DockerPort contract images. Tests reach
 * them through `inject('dockerHost' | 'registryAddr' | 'e2eDir' | 'contractImages')`.
 */
import type { TestProject } from 'vitest/node';
import { startStack, stopStack } from './stack.js';
import { buildTestImage } from './support/images.js';
import type { TestImageBehavior } from './support/images.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stack = await startStack();
  try {
    const started = Date.now();
    const address = { dockerHost: stack.dockerHost, registryAddr: stack.registryAddr, dir: stack.dir };
    const behaviors: TestImageBehavior[] = ['healthy', 'exits', 'unhealthy', 'runs'];
    const refs: string[] = [];
    // One at a time: the first build also builds the shared busybox base.
    for (const behavior of behaviors) {
      refs.push(await buildTestImage({ repository: 'sentinel-e2e/contract', tag: behavior, behavior, stack: address }));
    }
    const [healthy = '', exits = '', unhealthy = '', runs = ''] = refs;
    process.stderr.write(`[e2e-stack] built and pushed ${refs.length} contract images in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    project.provide('dockerHost', stack.dockerHost);
    project.provide('registryAddr', stack.registryAddr);
    project.provide('e2eDir', stack.dir);
    project.provide('contractImages', { healthy, exits, unhealthy, runs });
  } catch (error) {
    await stopStack(stack.dir);
    throw error;
  }
  return async () => {
    await stopStack(stack.dir);
  };
}
