import { NotImplementedError } from '@sentinel-kit/core';
import type { Sentinel } from '@sentinel-kit/core';

/** What every route module receives. */
export interface RouteContext {
  sentinel: Sentinel;
}

/** Remote (cluster) containers are addressed with `?host=`; this server manages its local engine only. */
export function assertLocalHost(host: string | undefined): void {
  if (host !== undefined && host !== '') {
    throw new NotImplementedError(`remote host "${host}" is not available: this server manages its local Docker engine only`);
  }
}
