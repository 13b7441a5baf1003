import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import {
  RateLimitsResponseSchema,
  RegistryCredentialsResponseSchema,
  RegistryStatusResponseSchema,
  SaveRegistryCredentialsBodySchema,
  TestRegistryCredentialBodySchema,
  TestRegistryCredentialResponseSchema,
} from '@sentinel-kit/core/contract';
import type { RegistryCredentialsResponse } from '@sentinel-kit/core/contract';
import { createRegistryCredentialStore, rateLimitEntries, rateLimitHealth, testRegistryCredential } from '@sentinel-kit/core';
import type { RateLimitHealth, RegistryCredentialStore } from '@sentinel-kit/core';
import type { RouteContext } from '../http/app-types.js';
import { defineRoute, errors, json } from '../http/route.js';

const tags = ['Registry Credentials'];

const CredentialIdParam = z.object({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'invalid credential id'),
});

export const listRegistryCredentialsRoute = defineRoute('settings.view', {
  method: 'get',
  path: '/api/settings/registries',
  tags,
  summary: 'List credentials (masked) with rate limit status',
  responses: { 200: json(RegistryCredentialsResponseSchema, 'Saved credentials with secrets as ****, and each registry\'s request budget') },
});

export const saveRegistryCredentialsRoute = defineRoute('settings.modify', {
  method: 'put',
  path: '/api/settings/registries',
  tags,
  summary: 'Save credentials (replaces the list; a secret ending in **** keeps the saved one)',
  request: { body: { required: true, content: { 'application/json': { schema: SaveRegistryCredentialsBodySchema } } } },
  responses: { 200: json(RegistryStatusResponseSchema, 'Saved'), ...errors(400, 413) },
});

export const testRegistryCredentialRoute = defineRoute('settings.modify', {
  method: 'post',
  path: '/api/settings/registries/test',
  tags,
  summary: 'Test a credential against the registry (ping, then token or Basic exchange)',
  request: { body: { required: true, content: { 'application/json': { schema: TestRegistryCredentialBodySchema } } } },
  responses: { 200: json(TestRegistryCredentialResponseSchema, 'Whether the registry accepted the credential, and why not'), ...errors(400, 413) },
});

export const deleteRegistryCredentialRoute = defineRoute('settings.modify', {
  method: 'delete',
  path: '/api/settings/registries/{id}',
  tags,
  summary: 'Delete a credential',
  request: { params: CredentialIdParam },
  responses: { 200: json(RegistryStatusResponseSchema, 'Deleted'), ...errors(400, 404) },
});

export const rateLimitsRoute = defineRoute('containers.view', {
  method: 'get',
  path: '/api/ratelimits',
  tags: ['Settings'],
  summary: 'Registry rate limit status, as the registries last reported it',
  responses: { 200: json(RateLimitsResponseSchema, 'Overall health (ok, low, exhausted) and each registry\'s budget') },
});

export interface RegistryRoutesOptions {
  /**
   * The store whose `lookup` the engine was created with (`createSentinel({ credentials })`).
   * Without it a store over the engine's storage is used, but the engine will not see what is saved there.
   */
  credentials?: RegistryCredentialStore | undefined;
}

/** Registry credentials (`/api/settings/registries…`) and `GET /api/ratelimits`. */
export function registerRegistryRoutes(app: OpenAPIHono, ctx: RouteContext, options: RegistryRoutesOptions = {}): void {
  const { sentinel, logger, clock } = ctx;
  const store = options.credentials ?? createRegistryCredentialStore(sentinel.storage);
  if (options.credentials === undefined) {
    logger.warn('registry credentials are saved but not used: create the engine with credentials: (r) => store.lookup(r) and pass the store to createApp as registryCredentials');
  }

  const settingsChanged = (message: string): void => {
    sentinel.events.publish({ type: 'settings_change', message, data: { section: 'registries', registries: store.registries() } });
  };

  // Announce a change of the overall budget health on the event stream (seed event `rate_limits`).
  let lastHealth: RateLimitHealth = 'ok';
  const publishHealthChange = (): void => {
    const limits = sentinel.registry.rateLimits();
    const health = rateLimitHealth(limits, clock.now());
    if (health === lastHealth) return;
    lastHealth = health;
    sentinel.events.publish({ type: 'rate_limits', message: `Registry rate limits: ${health}`, data: { health, registries: rateLimitEntries(limits, clock.now()) } });
  };

  ctx.onStart(async () => {
    await store.load();
    const unsubscribe = sentinel.events.subscribe((event) => {
      if (event.type === 'scan_complete' || event.type === 'container_update') publishHealthChange();
    });
    ctx.onClose(unsubscribe);
  });

  app.openapi(listRegistryCredentialsRoute, async (c) => {
    const credentials = await store.list();
    const now = clock.now();
    const limits = sentinel.registry.rateLimits();
    const byRegistry = new Map(rateLimitEntries(limits, now).map((e) => [e.registry, e]));
    const registries = [...new Set([...store.registries(), ...byRegistry.keys()])].sort();
    const withCredentials = new Set(store.registries());
    const body: RegistryCredentialsResponse = {
      credentials: credentials.map((cred) => ({ id: cred.id, registry: cred.registry, username: cred.username, secret: '****' as const })),
      rate_limits: registries.map((registry) => {
        const e = byRegistry.get(registry);
        return { registry, has_credentials: withCredentials.has(registry), remaining: e?.remaining ?? null, limit: e?.limit ?? null, reset: e?.reset ?? null, status: e?.status ?? 'ok' };
      }),
      health: rateLimitHealth(limits, now),
    };
    return c.json(body, 200);
  });

  app.openapi(saveRegistryCredentialsRoute, async (c) => {
    const { saved } = await store.save(c.req.valid('json'));
    logger.info('registry credentials saved', { count: saved, registries: store.registries() });
    settingsChanged('registry credentials saved');
    return c.json({ status: 'ok' as const, message: 'registry credentials saved' }, 200);
  });

  app.openapi(testRegistryCredentialRoute, async (c) => {
    const credential = await store.resolve(c.req.valid('json'));
    const result = await testRegistryCredential(credential.registry, { username: credential.username, password: credential.secret }, { fetch: ctx.fetch, clock });
    logger.info('registry credential tested', { registry: credential.registry, username: credential.username, success: result.success });
    return c.json(result, 200);
  });

  app.openapi(deleteRegistryCredentialRoute, async (c) => {
    const removed = await store.delete(c.req.valid('param').id);
    logger.info('registry credential deleted', { id: removed.id, registry: removed.registry });
    settingsChanged(`registry credential ${removed.id} deleted`);
    return c.json({ status: 'ok' as const, message: `registry credential ${removed.id} (${removed.registry}) deleted` }, 200);
  });

  app.openapi(rateLimitsRoute, async (c) => {
    const limits = sentinel.registry.rateLimits();
    const now = clock.now();
    return c.json({ health: rateLimitHealth(limits, now), registries: rateLimitEntries(limits, now) }, 200);
  });
}
