import { NotFoundError } from '../errors/index.js';
import type { DockerPort } from '../ports/docker.js';
import { isAsideName, parseAsideName } from './aside-name.js';

/**
 * The Docker port as every surface sees it: containers that an update has set
 * aside are not containers to manage, so they are left out of lists and cannot
 * be addressed by their set-aside name. In the moment between setting the old
 * container aside and creating the new one, the container has no other body:
 * it is listed under its own name then (its lock says it is in maintenance),
 * so it never seems to vanish. Only the update transaction and recovery use
 * the unfiltered port.
 */
export function withoutSetAside(docker: DockerPort): DockerPort {
  return {
    ...docker,
    ping: () => docker.ping(),
    async listContainers() {
      const all = await docker.listContainers();
      const managed = all.filter((c) => !isAsideName(c.name));
      const names = new Set(managed.map((c) => c.name));
      for (const c of all) {
        const aside = parseAsideName(c.name);
        if (aside === undefined || names.has(aside.of)) continue;
        names.add(aside.of);
        managed.push({ ...c, name: aside.of });
      }
      return managed.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },
    async inspectContainer(idOrName) {
      if (isAsideName(idOrName)) throw new NotFoundError(`No such container: ${idOrName}`);
      const detail = await docker.inspectContainer(idOrName);
      if (isAsideName(detail.name)) throw new NotFoundError(`No such container: ${idOrName} (set aside by an update in progress)`);
      return detail;
    },
  };
}
