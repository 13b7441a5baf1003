import { randomBytes } from 'node:crypto';
import { buildAudit, errorMessage, evaluateContainers, evaluateVulnerabilities, isVersionTag, parseImageReference } from '@sentinel-kit/core';
import type { Asset, AuditEvaluation, Clock, ContainerAuditInput, ContainerSummary, InventoryMatch, Logger, Sentinel } from '@sentinel-kit/core';
import type { Audit, QueueItem } from '@sentinel-kit/core/contract';
import type { InventoryServices } from '../inventory/inventory-services.js';
import { assetImageScans } from './image-scans.js';
import type { ImageScanLookup } from './image-scans.js';
import type { AuditStore } from './audit-store.js';
import type { SystemsService } from './systems.js';

export interface AuditRunnerOptions {
  sentinel: Sentinel;
  inventory: InventoryServices;
  systems: SystemsService;
  audits: AuditStore;
  clock: Clock;
  logger: Logger;
  /** Where image scan results come from. @default the lookup registered with `registerImageScanLookup`, else image assets (kind `image`) of the asset store */
  imageScans?: () => ImageScanLookup;
  /** The lookup used when none is registered. @default image assets of the asset store */
  defaultImageScans?: ImageScanLookup;
  /** Releases behind that make an image "far behind" within its major version. @default 3 */
  outdatedReleases?: number;
  /** Called with every completed audit (webhooks, compliance tracking). */
  onCompleted?: (audit: Audit, asset: Asset) => Promise<void>;
}

export interface AuditRunner {
  /** Audit one system now and store the result. `NotFoundError('Agent not found')` for an unknown system. */
  run(agentId: string, options: { include_vulnerability_scan: boolean }): Promise<Audit>;
}

/** Containers inspected at a time: each costs an inspect, maybe an exec and a registry lookup. */
const CONCURRENCY = 4;
const EXEC_TIMEOUT_MS = 5_000;

const registeredImageScans = new WeakMap<Sentinel, ImageScanLookup>();

/**
 * Tell the audits of the app serving `sentinel` where image scan results
 * are (the image inventory registers its scans here); the last call wins.
 */
export function registerImageScanLookup(sentinel: Sentinel, lookup: ImageScanLookup): void {
  registeredImageScans.set(sentinel, lookup);
}

async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i] as T);
    }
  });
  await Promise.all(workers);
  return out;
}

/**
 * Runs audits: a system's installed software against the vulnerability data
 * (stored matches, or matched again with `include_vulnerability_scan`), and
 * for the Docker host, the container checks over every container of the
 * engine (inspect, the user inside it, its image's scan, newer versions).
 */
export function createAuditRunner(options: AuditRunnerOptions): AuditRunner {
  const { sentinel, inventory, systems, audits, clock, logger } = options;
  const docker = sentinel.docker;
  const fallback = options.defaultImageScans ?? assetImageScans(inventory);
  const imageScans = options.imageScans ?? ((): ImageScanLookup => registeredImageScans.get(sentinel) ?? fallback);
  const iso = (): string => new Date(clock.now()).toISOString();

  const userOf = async (c: ContainerSummary, detail: ContainerAuditInput['detail']): Promise<ContainerAuditInput['user']> => {
    const own = detail.spec.native['User'];
    if (typeof own === 'string' && own.trim() !== '') return { value: own.trim(), source: 'config' };
    if (!detail.runtime.running) return { unknown: 'it sets no user and is not running, so the user its image sets could not be read' };
    try {
      const result = await docker.exec(c.id, ['id', '-u'], { timeoutMs: EXEC_TIMEOUT_MS });
      const uid = result.output.trim().split(/\s+/).pop() ?? '';
      if (result.exitCode === 0 && /^\d+$/.test(uid)) return { value: uid, source: 'exec' };
      return { unknown: `it sets no user and \`id -u\` could not run inside it (exit ${result.exitCode})` };
    } catch (error) {
      return { unknown: `it sets no user and \`id -u\` could not run inside it (${errorMessage(error)})` };
    }
  };

  const versionsOf = async (c: ContainerSummary, queued: QueueItem | undefined): Promise<ContainerAuditInput['versions']> => {
    if (queued !== undefined && queued.kind === 'version') {
      const current = queued.resolved_current_version !== '' ? queued.resolved_current_version : (parseImageReference(queued.current_image).tag ?? '');
      return { current, newer: queued.newer_versions, source: 'queue' };
    }
    const tag = (() => {
      try {
        return parseImageReference(c.image).tag;
      } catch {
        return undefined;
      }
    })();
    if (tag === undefined || !isVersionTag(tag)) return { unknown: `the image is not referenced by a version tag (${c.image})` };
    try {
      const found = await sentinel.versions(c.name);
      return { current: found.current, newer: found.versions, source: 'registry' };
    } catch (error) {
      return { unknown: `its registry could not be asked for newer versions (${errorMessage(error)})` };
    }
  };

  const containerInputs = async (notes: string[]): Promise<ContainerAuditInput[]> => {
    const containers = await docker.listContainers();
    const queue = new Map((await sentinel.queue.list()).filter((q) => q.host_id === '' || q.key === q.container_name).map((q) => [q.container_name, q]));
    const lookup = imageScans();
    const inputs = await mapLimited(containers, CONCURRENCY, async (c): Promise<ContainerAuditInput | undefined> => {
      let detail;
      try {
        detail = await docker.inspectContainer(c.id);
      } catch (error) {
        // Removed between the list and the inspect: nothing left to audit.
        notes.push(`${c.name}: could not be inspected (${errorMessage(error)})`);
        return undefined;
      }
      const [user, versions, imageScan] = await Promise.all([
        userOf(c, detail),
        versionsOf(c, queue.get(c.name)),
        lookup({ container: detail.name, reference: detail.image, imageId: detail.imageId }).catch((error: unknown) => {
          logger.warn('image scan lookup failed during an audit', { container: c.name, error: errorMessage(error) });
          return undefined;
        }),
      ]);
      return { detail, user, versions, ...(imageScan === undefined ? {} : { imageScan }) };
    });
    return inputs.filter((i): i is ContainerAuditInput => i !== undefined);
  };

  return {
    async run(agentId, runOptions) {
      const startedAt = iso();
      const asset = await systems.asset(agentId);
      const isDockerHost = asset.kind === 'docker_host';
      if (isDockerHost) await systems.refreshDockerHost({ force: true });
      const notes: string[] = [];
      const software = await inventory.assets.software(asset.id);
      let matches: InventoryMatch[];
      if (runOptions.include_vulnerability_scan) {
        await inventory.vulnerabilities.load();
        const current = (await inventory.assets.get(asset.id)) ?? asset;
        matches = await inventory.matcher.withAsset(asset.id, () => inventory.matcher.storeMatches(current, software));
        notes.push(`matched ${software.length} installed ${software.length === 1 ? 'product' : 'products'} against ${(await inventory.vulnerabilities.stats()).records} vulnerability records`);
      } else {
        matches = await inventory.assets.matches(asset.id);
        notes.push('vulnerabilities as last matched (send include_vulnerability_scan: true to match again)');
      }
      const evaluations: AuditEvaluation[] = [evaluateVulnerabilities({ matches, softwareCount: software.length })];
      if (isDockerHost) {
        try {
          evaluations.push(evaluateContainers(await containerInputs(notes), { outdatedReleases: options.outdatedReleases ?? 3 }));
        } catch (error) {
          // The engine went away: the audit says so rather than failing the whole request.
          notes.push(`container checks not run: the Docker engine could not be reached (${errorMessage(error)})`);
        }
      }
      const stored = (await inventory.assets.get(asset.id)) ?? asset;
      const audit = buildAudit({
        id: `aud_${randomBytes(8).toString('hex')}`,
        system: { agent_id: agentId, asset_id: stored.id, hostname: stored.hostname, system_kind: isDockerHost ? 'docker_host' : 'host' },
        include_vulnerability_scan: runOptions.include_vulnerability_scan,
        started_at: startedAt,
        completed_at: iso(),
        evaluations,
        notes,
      });
      await audits.save(audit);
      logger.info('audit completed', { agent_id: agentId, findings: audit.summary.total, critical: audit.summary.critical, score: audit.score });
      if (options.onCompleted !== undefined) {
        try {
          await options.onCompleted(audit, stored);
        } catch (error) {
          logger.warn('after-audit notifications failed', { agent_id: agentId, error: errorMessage(error) });
        }
      }
      return audit;
    },
  };
}
