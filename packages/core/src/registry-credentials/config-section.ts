import { InvalidError } from '../errors/index.js';
import { MASKED_SECRET } from './credential-store.js';
import type { RegistryCredentialInput, RegistryCredentialStore } from './credential-store.js';
import { normalizeRegistryName } from './registry-name.js';

/** What config exports write instead of a secret (seed 001, "Config Export / Import"). */
export const REDACTED_SECRET = '***REDACTED***';

/** What importing the `registries` section of a backup would do; `apply()` writes it. */
export interface PreparedRegistryImport {
  imported: number;
  redactedSkipped: number;
  warnings: string[];
  apply(): Promise<void>;
}

/** The `registries` section of `GET /api/config/export` and `POST /api/config/import`. */
export interface RegistryCredentialsConfigSection {
  /** Every credential; the secret is `***REDACTED***` unless `secrets` is true. */
  export(options: { secrets: boolean }): Promise<Array<Record<string, unknown>>>;
  /**
   * Validate a backup's credentials (nothing written): each one is added, or
   * replaces the saved credential with the same id or registry. A credential
   * whose secret is `***REDACTED***` is skipped and counted.
   * @throws InvalidError naming the first bad entry
   */
  prepare(items: ReadonlyArray<Record<string, unknown>>): Promise<PreparedRegistryImport>;
}

/**
 * Adapt the credential store to the configuration backup.
 * @example
 * createConfigTransfer({ ..., registries: registryCredentialsConfigSection(registryCredentials) });
 */
export function registryCredentialsConfigSection(store: RegistryCredentialStore): RegistryCredentialsConfigSection {
  return {
    async export({ secrets }) {
      const list = secrets ? await store.entries() : await store.list();
      return list.map((c) => ({ id: c.id, registry: c.registry, username: c.username, secret: secrets ? c.secret : REDACTED_SECRET }));
    },

    async prepare(items) {
      // Saved credentials go back with a mask, so the store keeps their secrets without this code reading them.
      const merged = new Map<string, RegistryCredentialInput>((await store.list()).map((c) => [c.id, { ...c, secret: MASKED_SECRET }]));
      const warnings: string[] = [];
      let imported = 0;
      let redactedSkipped = 0;
      const seen = new Set<string>();
      items.forEach((item, index) => {
        const { id, registry, username, secret } = item;
        if (typeof id !== 'string' || typeof registry !== 'string' || typeof username !== 'string' || typeof secret !== 'string') {
          throw new InvalidError(`registries[${index}]: id, registry, username and secret must be strings`);
        }
        if (seen.has(id)) throw new InvalidError(`registries[${index}].id: duplicate id "${id.slice(0, 64)}"`);
        seen.add(id);
        if (secret === REDACTED_SECRET) {
          redactedSkipped++;
          warnings.push(`registry credential "${id.slice(0, 64)}" skipped: its secret is redacted`);
          return;
        }
        let name: string;
        try {
          name = normalizeRegistryName(registry);
        } catch (error) {
          throw new InvalidError(`registries[${index}].registry: ${error instanceof Error ? error.message : 'invalid'}`);
        }
        // One credential per registry: an imported one replaces the saved one for the same registry.
        for (const [key, existing] of merged) {
          if (key !== id && normalizeRegistryName(existing.registry) === name) merged.delete(key);
        }
        merged.set(id, { id, registry, username, secret });
        imported++;
      });
      const next = [...merged.values()];
      await store.validate(next);
      return {
        imported,
        redactedSkipped,
        warnings,
        async apply() {
          await store.save(next);
        },
      };
    },
  };
}
