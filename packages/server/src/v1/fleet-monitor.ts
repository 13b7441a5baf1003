import { FRAMEWORK_IDS, complianceStatus, errorMessage } from '@sentinel-kit/core';
import type { Asset, Clock, InventoryMatch, Logger, StoragePort, TimerHandle } from '@sentinel-kit/core';
import type { Audit, CheckStatus } from '@sentinel-kit/core/contract';
import type { InventoryServices } from '../inventory/inventory-services.js';
import type { AuditStore } from './audit-store.js';
import type { SystemsService } from './systems.js';
import type { WebhookDeliverer } from './webhook-deliverer.js';

const STATE = 'v1_monitor_state';

export interface FleetMonitorOptions {
  storage: StoragePort;
  clock: Clock;
  logger: Logger;
  inventory: InventoryServices;
  systems: SystemsService;
  audits: AuditStore;
  webhooks: WebhookDeliverer;
  /** A system silent this long is offline (`agent.offline`). @default 15 min */
  offlineAfterMs: number;
  /** How often systems are checked. @default 60 s */
  intervalMs?: number;
}

/**
 * Watches the fleet for the webhook events that are not the answer of a
 * request: `agent.offline` (a system silent past the threshold, once per
 * silence), `vulnerability.critical` (a critical match a system did not have
 * at the last look) and `compliance.failed` (a framework turning to `fail`
 * after an audit). Checks run every interval on the injected clock and after
 * each audit; what was already told is stored, so a restart repeats nothing.
 */
export interface FleetMonitor {
  start(): void;
  stop(): Promise<void>;
  /** One round of the periodic checks (every system: offline, new critical matches). */
  tick(): Promise<void>;
  /** After an audit: new critical matches of its system, then compliance transitions. */
  afterAudit(audit: Audit, asset: Asset): Promise<void>;
}

const criticalKey = (m: InventoryMatch): string => `${m.cve ?? m.vulnerability_id}\u0000${m.item_name}\u0000${m.item_version}`;

export function createFleetMonitor(options: FleetMonitorOptions): FleetMonitor {
  const { storage, clock, logger, inventory, systems, audits, webhooks } = options;
  const interval = Math.max(1_000, options.intervalMs ?? 60_000);
  let timer: TimerHandle | undefined;
  let stopped = true;
  // One check at a time: the periodic round and an audit must not both tell the same news.
  let chain: Promise<void> = Promise.resolve();
  const serial = (work: () => Promise<void>): Promise<void> => {
    const run = chain.then(work);
    chain = run.catch(() => undefined);
    return run;
  };

  const newCriticals = async (asset: Asset): Promise<void> => {
    if (asset.agent_id === undefined) return;
    const critical = (await inventory.assets.matches(asset.id)).filter((m) => m.severity === 'critical');
    const stateKey = `critical:${asset.id}`;
    const seen = new Set((await storage.get<string[]>(STATE, stateKey)) ?? []);
    const fresh = new Map<string, InventoryMatch>();
    for (const m of critical) if (!seen.has(criticalKey(m))) fresh.set(criticalKey(m), m);
    const current = [...new Set(critical.map(criticalKey))];
    if (fresh.size > 0) {
      await webhooks.emit('vulnerability.critical', {
        agent_id: asset.agent_id,
        asset_id: asset.id,
        hostname: asset.hostname,
        system_kind: asset.kind === 'docker_host' ? 'docker_host' : 'host',
        vulnerabilities: [...fresh.values()].map((m) => ({
          id: m.vulnerability_id,
          cve: m.cve,
          package: m.item_name,
          version: m.item_version,
          cvss_score: m.cvss_score,
          in_kev: m.in_kev,
          fixed_version: m.fixed_version,
        })),
      });
    }
    if (fresh.size > 0 || current.length !== seen.size) await storage.put(STATE, stateKey, current);
  };

  const offline = async (asset: Asset): Promise<void> => {
    if (asset.agent_id === undefined) return;
    const stateKey = `offline:${asset.agent_id}`;
    const told = await storage.get<string>(STATE, stateKey);
    if (systems.online(asset)) {
      if (told !== undefined) await storage.delete(STATE, stateKey);
      return;
    }
    // Told once per silence: a new report moves last_seen_at and re-arms it.
    if (told === asset.last_seen_at) return;
    await storage.put(STATE, stateKey, asset.last_seen_at);
    await webhooks.emit('agent.offline', {
      agent_id: asset.agent_id,
      asset_id: asset.id,
      hostname: asset.hostname,
      system_kind: asset.kind === 'docker_host' ? 'docker_host' : 'host',
      last_seen: asset.last_seen_at,
      offline_for_seconds: Math.floor((clock.now() - Date.parse(asset.last_seen_at)) / 1000),
      threshold_seconds: Math.floor(options.offlineAfterMs / 1000),
    });
  };

  const compliance = async (): Promise<void> => {
    const latest = await audits.latestPerSystem();
    for (const framework of FRAMEWORK_IDS) {
      const status = complianceStatus(framework, latest);
      const stateKey = `compliance:${framework}`;
      const previous = (await storage.get<CheckStatus>(STATE, stateKey)) ?? null;
      if (previous === status.status) continue;
      await storage.put(STATE, stateKey, status.status);
      if (status.status !== 'fail') continue;
      await webhooks.emit('compliance.failed', {
        framework,
        name: status.name,
        status: status.status,
        previous_status: previous,
        assessed_at: status.assessed_at,
        systems_assessed: status.systems_assessed,
        failed_controls: status.controls
          .filter((c) => c.status === 'fail')
          .map((c) => ({ control_id: c.control_id, title: c.title, failed_checks: c.checks.filter((k) => k.status === 'fail').map((k) => ({ check_id: k.check_id, failed_systems: k.failed_systems })) })),
      });
    }
  };

  const monitor: FleetMonitor = {
    start() {
      if (!stopped) return;
      stopped = false;
      const arm = (): void => {
        timer = clock.setTimeout(() => {
          void monitor
            .tick()
            .catch((error: unknown) => logger.warn('fleet monitor round failed', { error: errorMessage(error) }))
            .finally(() => {
              if (!stopped) arm();
            });
        }, interval);
      };
      arm();
    },

    async stop() {
      stopped = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      await chain;
    },

    tick: () =>
      serial(async () => {
        await systems.refreshDockerHost();
        for (const asset of await inventory.assets.list()) {
          if (asset.agent_id === undefined) continue;
          await offline(asset);
          await newCriticals(asset);
        }
      }),

    afterAudit: (_audit, asset) =>
      serial(async () => {
        await newCriticals((await inventory.assets.get(asset.id)) ?? asset);
        await compliance();
      }),
  };
  return monitor;
}
