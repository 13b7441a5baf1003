import type { InventoryItem, InventoryMatch } from '../../contract/inventory.js';
import { InvalidError, NotFoundError } from '../../errors/index.js';
import type { Clock } from '../../ports/clock.js';
import { systemClock } from '../../ports/clock.js';
import type { StoragePort } from '../../ports/storage.js';

/** What kind of thing an asset is: a reporting host (agent or REST import), a Docker host, a container image. */
export type AssetKind = 'host' | 'docker_host' | 'image';

/** A host (or image) whose software inventory is known. Ids are small integers, as the inventory API shows (`"asset_id": 42`). */
export interface Asset {
  id: number;
  kind: AssetKind;
  hostname: string;
  os: string;
  organization_id: number;
  ip_address: string;
  tags: string[];
  /** Agent identity when the asset reports through an enrolled agent (`/api/v1/systems/{agent_id}`). */
  agent_id?: string;
  created_at: string;
  updated_at: string;
  /** Last report or heartbeat. */
  last_seen_at: string;
  software_count: number;
}

export interface Organization {
  id: number;
  /** Short key (`default`) used in URLs such as `/containers/v1beta/orgs/{org_key}/…`. */
  key: string;
  name: string;
}

export interface UpsertAssetInput {
  hostname: string;
  organization_id: number;
  /**
   * Part of the asset's identity with the organization and hostname: the engine's
   * Docker host (`docker_host`) and the inventory reports of the same host name
   * (`host`) are two assets, so that neither source ever replaces the other's software.
   * @default 'host'
   */
  kind?: AssetKind;
  os?: string;
  ip_address?: string;
  tags?: string[];
  agent_id?: string;
}

export interface AssetStore {
  /** The built-in organization (id 1, key `default`) exists from the start. */
  organizations(): Promise<Organization[]>;
  organization(idOrKey: number | string): Promise<Organization | undefined>;
  createOrganization(key: string, name: string): Promise<Organization>;
  /** Find by (organization, hostname, kind) or create; updates the given fields and `last_seen_at`. */
  upsert(input: UpsertAssetInput): Promise<Asset>;
  get(id: number): Promise<Asset | undefined>;
  /**
   * The asset of a host name (case-insensitive). With `kind`, only an asset of that kind;
   * without, the reported host (`host`) when there is one, else any asset of that name.
   */
  findByHostname(organizationId: number, hostname: string, kind?: AssetKind): Promise<Asset | undefined>;
  findByAgent(agentId: string): Promise<Asset | undefined>;
  list(options?: { organization_id?: number; kind?: AssetKind }): Promise<Asset[]>;
  delete(id: number): Promise<boolean>;
  /** Replace the whole software inventory of an asset. */
  setSoftware(id: number, items: InventoryItem[]): Promise<void>;
  /** Add and remove items (matched by name + version; a removal without version removes every version of the name). */
  applyDelta(id: number, added: InventoryItem[], removed: Array<{ name: string; version?: string }>): Promise<InventoryItem[]>;
  software(id: number): Promise<InventoryItem[]>;
  /** Store the latest vulnerability matches of an asset (recomputed by the caller). */
  setMatches(id: number, matches: InventoryMatch[]): Promise<void>;
  matches(id: number): Promise<InventoryMatch[]>;
  /** Mark an asset as seen now (heartbeat). */
  touch(id: number): Promise<void>;
}

const ASSETS = 'inv_assets';
const SOFTWARE = 'inv_software';
const MATCHES = 'inv_matches';
const ORGS = 'inv_organizations';
const META = 'inv_meta';

const DEFAULT_ORG: Organization = { id: 1, key: 'default', name: 'Default' };

// Keys sort as numbers: zero-padded ids.
const key = (id: number): string => String(id).padStart(10, '0');
const sameItem = (a: { name: string; version?: string }, b: { name: string; version?: string }): boolean =>
  a.name.toLowerCase() === b.name.toLowerCase() && (a.version === undefined || b.version === undefined || a.version === b.version);

/** Assets, their software inventories and matches, over the StoragePort. */
export function createAssetStore(options: { storage: StoragePort; clock?: Clock }): AssetStore {
  const { storage } = options;
  const clock = options.clock ?? systemClock;
  const now = (): string => new Date(clock.now()).toISOString();

  const nextId = async (): Promise<number> => {
    const last = (await storage.get<number>(META, 'last_asset_id')) ?? 0;
    await storage.put(META, 'last_asset_id', last + 1);
    return last + 1;
  };
  const all = async (): Promise<Asset[]> => (await storage.list<Asset>(ASSETS)).map((e) => e.value);

  const store: AssetStore = {
    async organizations() {
      const stored = (await storage.list<Organization>(ORGS)).map((e) => e.value);
      return stored.some((o) => o.id === DEFAULT_ORG.id) ? stored : [DEFAULT_ORG, ...stored];
    },
    async organization(idOrKey) {
      return (await store.organizations()).find((o) => (typeof idOrKey === 'number' ? o.id === idOrKey : o.key === idOrKey));
    },
    async createOrganization(orgKey, name) {
      if (!/^[a-z0-9][a-z0-9_-]{0,63}$/i.test(orgKey)) throw new InvalidError('organization key must be 1-64 letters, digits, "-" or "_"');
      const existing = await store.organizations();
      if (existing.some((o) => o.key === orgKey)) throw new InvalidError(`organization ${orgKey} already exists`);
      const org = { id: Math.max(...existing.map((o) => o.id)) + 1, key: orgKey, name };
      await storage.put(ORGS, key(org.id), org);
      return org;
    },
    async upsert(input) {
      const hostname = input.hostname.trim();
      if (hostname === '') throw new InvalidError('hostname is required');
      if ((await store.organization(input.organization_id)) === undefined) throw new NotFoundError(`organization ${input.organization_id} not found`);
      const kind = input.kind ?? 'host';
      const found = await store.findByHostname(input.organization_id, hostname, kind);
      const stamp = now();
      const asset: Asset = {
        id: found?.id ?? (await nextId()),
        kind,
        hostname,
        os: input.os ?? found?.os ?? 'Unknown',
        organization_id: input.organization_id,
        ip_address: input.ip_address ?? found?.ip_address ?? '',
        tags: input.tags ?? found?.tags ?? [],
        ...((input.agent_id ?? found?.agent_id) === undefined ? {} : { agent_id: (input.agent_id ?? found?.agent_id) as string }),
        created_at: found?.created_at ?? stamp,
        updated_at: stamp,
        last_seen_at: stamp,
        software_count: found?.software_count ?? 0,
      };
      await storage.put(ASSETS, key(asset.id), asset);
      return asset;
    },
    get: (id) => storage.get<Asset>(ASSETS, key(id)),
    async findByHostname(organizationId, hostname, kind) {
      const h = hostname.trim().toLowerCase();
      const named = (await all()).filter((a) => a.organization_id === organizationId && a.hostname.toLowerCase() === h);
      if (kind !== undefined) return named.find((a) => a.kind === kind);
      return named.find((a) => a.kind === 'host') ?? named[0];
    },
    async findByAgent(agentId) {
      return (await all()).find((a) => a.agent_id === agentId);
    },
    async list(filter = {}) {
      return (await all()).filter(
        (a) => (filter.organization_id === undefined || a.organization_id === filter.organization_id) && (filter.kind === undefined || a.kind === filter.kind),
      );
    },
    async delete(id) {
      const existed = (await storage.get(ASSETS, key(id))) !== undefined;
      await storage.batch([
        { op: 'delete', collection: ASSETS, key: key(id) },
        { op: 'delete', collection: SOFTWARE, key: key(id) },
        { op: 'delete', collection: MATCHES, key: key(id) },
      ]);
      return existed;
    },
    async setSoftware(id, items) {
      const asset = await store.get(id);
      if (asset === undefined) throw new NotFoundError(`asset ${id} not found`);
      await storage.batch([
        { op: 'put', collection: SOFTWARE, key: key(id), value: items },
        { op: 'put', collection: ASSETS, key: key(id), value: { ...asset, software_count: items.length, updated_at: now() } },
      ]);
    },
    async applyDelta(id, added, removed) {
      const current = await store.software(id);
      const kept = current.filter((item) => !removed.some((r) => sameItem(item, r)));
      for (const item of added) {
        const at = kept.findIndex((k) => k.name.toLowerCase() === item.name.toLowerCase() && k.version === item.version);
        if (at >= 0) kept[at] = item;
        else kept.push(item);
      }
      await store.setSoftware(id, kept);
      return kept;
    },
    async software(id) {
      return (await storage.get<InventoryItem[]>(SOFTWARE, key(id))) ?? [];
    },
    async setMatches(id, matches) {
      await storage.put(MATCHES, key(id), matches);
    },
    async matches(id) {
      return (await storage.get<InventoryMatch[]>(MATCHES, key(id))) ?? [];
    },
    async touch(id) {
      const asset = await store.get(id);
      if (asset !== undefined) await storage.put(ASSETS, key(id), { ...asset, last_seen_at: now() });
    },
  };
  return store;
}
