import { NotFoundError } from '../errors/index.js';
import type { DockerPort } from '../ports/docker.js';
import { isAsideName } from './aside-name.js';

/**
 * The Docker port as every surface sees it: containers that an update has set
 * aside are not containers to manage, so they are left out of lists and cannot
 * be addressed by their set-aside name. Only the update transaction and
 * recovery use the unfiltered port.
 */
export function withoutSetAside(docker: DockerPort): DockerPort {
  return {
    ...docker,
    ping: () => docker.ping(),
    listContainers: async () => (await docker.listContainers()).filter((c) => !isAsideName(c.name)),
    async inspectContainer(idOrName) {
      if (isAsideName(idOrName)) throw new NotFoundError(`No such container: ${idOrName}`);
      const detail = await docker.inspectContainer(idOrName);
      if (isAsideName(detail.name)) throw new NotFoundError(`No such container: ${idOrName} (set aside by an update in progress)`);
      return detail;
    },
  };
}
