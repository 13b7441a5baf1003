import { NotFoundError, errorMessage, formatCpe, createWfn, quoteCpeValue } from '@sentinel-kit/core';
import type { Asset, Clock, DockerPort, InventoryItem, InventoryMatch, Logger } from '@sentinel-kit/core';
import type { Audit, System, VulnerabilityCounts } from '@sentinel-kit/core/contract';
import type { InventoryServices } from '../inventory/inventory-services.js';
import type { AuditStore } from './audit-store.js';

/** The `agent_id` of the server's own Docker host, as a system. */
export const DOCKER_HOST_AGENT_ID = 'local-docker';

/** What `/api/v1/systems` lists: enrolled agents and the server's Docker host. */
export interface SystemsService {
  /**
   * Ask the engine who it is and record the Docker host as a system (kind
   * `docker_host`, seen now, its inventory the engine itself). At most once
   * per `refreshMs` unless forced; resolves the stored asset (or undefined
   * while the engine was never reachable).
   */
  refreshDockerHost(options?: { force?: boolean }): Promise<Asset | undefined>;
  /** Systems, ordered by asset id. */
  list(): Promise<System[]>;
  /** The asset of a system; `NotFoundError('Agent not found')` for an unknown `agent_id`. */
  asset(agentId: string): Promise<Asset>;
  /** The system's wire form; `lastAudit` saves a lookup when the caller has it (undefined: look it up; null: none). */
  describe(asset: Asset, lastAudit?: Audit | null): Promise<System>;
  online(asset: Asset): boolean;
}

export interface SystemsServiceOptions {
  inventory: InventoryServices;
  docker: DockerPort;
  clock: Clock;
  logger: Logger;
  audits: AuditStore;
  /** A system silent this long is offline. @default 15 min */
  offlineAfterMs?: number;
  /** @default 15 s */
  refreshMs?: number;
}

export function countMatches(matches: readonly InventoryMatch[]): VulnerabilityCounts {
  const counts: VulnerabilityCounts = { total: 0, critical: 0, high: 0, medium: 0, low: 0, in_kev: 0 };
  const seen = new Set<string>();
  for (const m of matches) {
    // One vulnerability of one installed product counts once, whichever feeds matched it.
    const key = `${m.item_name}\u0000${m.item_version}\u0000${m.cve ?? m.vulnerability_id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    counts.total++;
    if (m.severity === 'critical' || m.severity === 'high' || m.severity === 'medium' || m.severity === 'low') counts[m.severity]++;
    if (m.in_kev) counts.in_kev++;
  }
  return counts;
}

/**
 * The Docker engine as an inventory item: NVD names Docker Engine
 * `cpe:2.3:a:mobyproject:moby`. Distribution builds carry a suffix
 * (`20.10.24+dfsg1`); the CPE takes the upstream version.
 */
export function dockerEngineItem(version: string): InventoryItem {
  const upstream = version.replace(/[+~].*$/, '');
  return {
    name: 'moby',
    vendor: 'mobyproject',
    version,
    part: 'a',
    cpe: formatCpe(createWfn({ part: 'a', vendor: 'mobyproject', product: 'moby', version: quoteCpeValue(upstream) })),
  };
}

export function createSystemsService(options: SystemsServiceOptions): SystemsService {
  const { inventory, docker, clock, logger, audits } = options;
  const { assets } = inventory;
  const offlineAfter = options.offlineAfterMs ?? 15 * 60_000;
  const refreshMs = options.refreshMs ?? 15_000;
  let lastRefresh = -Infinity;
  let refreshing: Promise<Asset | undefined> | undefined;

  const dockerHostAsset = async (): Promise<Asset | undefined> => assets.findByAgent(DOCKER_HOST_AGENT_ID);

  const doRefresh = async (): Promise<Asset | undefined> => {
    let info;
    try {
      info = await docker.ping();
    } catch (error) {
      logger.debug('Docker host not reachable for the systems list', { error: errorMessage(error) });
      return dockerHostAsset();
    }
    const existing = await dockerHostAsset();
    const asset = await assets.upsert({
      // Renaming the engine's host keeps the same system.
      hostname: existing?.hostname ?? (info.name !== '' ? info.name : 'docker-host'),
      organization_id: existing?.organization_id ?? 1,
      kind: 'docker_host',
      os: info.os === '' ? 'Unknown' : info.os,
      agent_id: DOCKER_HOST_AGENT_ID,
    });
    const item = dockerEngineItem(info.version);
    const current = await assets.software(asset.id);
    if (current.length !== 1 || current[0]?.version !== item.version || current[0]?.cpe !== item.cpe) {
      await inventory.matcher.withAsset(asset.id, async () => {
        await assets.setSoftware(asset.id, [item]);
        try {
          await inventory.matcher.storeMatches(asset, [item]);
        } catch (error) {
          // The vulnerability data could not be read: the next import or audit matches the engine again.
          logger.warn('matching the Docker engine against the vulnerability data failed', { error: errorMessage(error) });
        }
      });
    }
    return (await assets.get(asset.id)) ?? asset;
  };

  const service: SystemsService = {
    refreshDockerHost(opts = {}) {
      if (refreshing !== undefined) return refreshing;
      if (opts.force !== true && clock.now() - lastRefresh < refreshMs) return dockerHostAsset();
      lastRefresh = clock.now();
      refreshing = doRefresh().finally(() => {
        refreshing = undefined;
      });
      return refreshing;
    },

    async list() {
      await service.refreshDockerHost();
      const systems = (await assets.list()).filter((a) => a.agent_id !== undefined).sort((a, b) => a.id - b.id);
      // One pass over the stored audits for the whole list.
      const latest = new Map((await audits.latestPerSystem()).map((a) => [a.agent_id, a]));
      return Promise.all(systems.map((a) => service.describe(a, latest.get(a.agent_id ?? '') ?? null)));
    },

    async asset(agentId) {
      if (agentId === DOCKER_HOST_AGENT_ID) await service.refreshDockerHost();
      const asset = await assets.findByAgent(agentId);
      if (asset === undefined) throw new NotFoundError('Agent not found');
      return asset;
    },

    online: (asset) => clock.now() - Date.parse(asset.last_seen_at) < offlineAfter,

    async describe(asset, lastAudit) {
      const last = lastAudit === undefined ? await audits.latestFor(asset.agent_id ?? '') : (lastAudit ?? undefined);
      return {
        agent_id: asset.agent_id ?? '',
        asset_id: asset.id,
        hostname: asset.hostname,
        os: asset.os,
        kind: asset.kind === 'docker_host' ? 'docker_host' : 'host',
        status: service.online(asset) ? 'online' : 'offline',
        last_seen: asset.last_seen_at,
        ip_address: asset.ip_address,
        organization_id: asset.organization_id,
        tags: [...asset.tags],
        software_count: asset.software_count,
        vulnerabilities: countMatches(await assets.matches(asset.id)),
        last_audit:
          last === undefined
            ? null
            : { id: last.id, completed_at: last.completed_at, score: last.score, findings: { total: last.summary.total, critical: last.summary.critical, high: last.summary.high, medium: last.summary.medium, low: last.summary.low, info: last.summary.info } },
        created_at: asset.created_at,
      };
    },
  };
  return service;
}
