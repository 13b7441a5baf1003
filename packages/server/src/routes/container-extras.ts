import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import {
  ContainerRowResponseSchema,
  PortConfigBodySchema,
  PortConfigChangeResponseSchema,
  PortConfigResponseSchema,
  PortSchema,
} from '@sentinel-kit/core/contract';
import type { Container, PortOverride } from '@sentinel-kit/core/contract';
import { InvalidError, NotFoundError, queueKey } from '@sentinel-kit/core';
import type { ContainerDetail, StoragePort } from '@sentinel-kit/core';
import { assertLocalHost } from '../http/app-types.js';
import type { RouteContext } from '../http/app-types.js';
import { ContainerNameParam, HostQuery } from '../http/params.js';
import { defineRoute, errors, json } from '../http/route.js';

const PortParams = ContainerNameParam.extend({ port: PortSchema });

export const containerRowRoute = defineRoute('containers.view', {
  method: 'get',
  path: '/api/containers/{name}/row',
  tags: ['Containers'],
  summary: 'HTML partial + stats (for SSE row refresh)',
  request: { params: ContainerNameParam, query: HostQuery },
  responses: { 200: json(ContainerRowResponseSchema, 'The dashboard row (every value HTML-escaped) and the stat-card counts'), ...errors(400, 404, 501, 503) },
});

export const getPortConfigRoute = defineRoute('containers.view', {
  method: 'get',
  path: '/api/containers/{name}/port-config',
  tags: ['Port Configuration'],
  summary: 'Get port overrides',
  request: { params: ContainerNameParam },
  responses: { 200: json(PortConfigResponseSchema, 'URL overrides of the port chips, by port'), ...errors(400, 404, 503) },
});

export const setPortConfigRoute = defineRoute('settings.modify', {
  method: 'post',
  path: '/api/containers/{name}/port-config/{port}',
  tags: ['Port Configuration'],
  summary: 'Set a port override',
  request: { params: PortParams, body: { required: true, content: { 'application/json': { schema: PortConfigBodySchema } } } },
  responses: { 200: json(PortConfigChangeResponseSchema, 'Saved'), ...errors(400, 404, 409, 413, 503) },
});

export const deletePortConfigRoute = defineRoute('settings.modify', {
  method: 'delete',
  path: '/api/containers/{name}/port-config/{port}',
  tags: ['Port Configuration'],
  summary: 'Remove a port override',
  request: { params: PortParams },
  responses: { 200: json(PortConfigChangeResponseSchema, 'Removed'), ...errors(400, 404) },
});

const PORT_CONFIG = 'port_config';
// Bounded so one container's record cannot grow without limit.
const MAX_OVERRIDES_PER_CONTAINER = 256;
const MAX_URL_LENGTH = 2048;

/**
 * A port chip's link target: an absolute http(s) URL without credentials
 * (they would show in the dashboard) and without whitespace or control characters.
 * @throws InvalidError saying what is wrong
 */
export function validatePortUrl(raw: string): string {
  const value = raw.trim();
  if (value.length === 0) throw new InvalidError('url: must not be empty');
  if (value.length > MAX_URL_LENGTH) throw new InvalidError(`url: longer than ${MAX_URL_LENGTH} characters`);
  if (/[\s\u0000-\u001f\u007f]/.test(value)) throw new InvalidError('url: must not contain whitespace or control characters');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidError('url: must be an absolute URL such as https://app.example.com');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidError('url: must use http or https');
  if (url.hostname === '') throw new InvalidError('url: must name a host');
  if (url.username !== '' || url.password !== '') throw new InvalidError('url: must not contain credentials');
  return value;
}

/** `&`, `<`, `>`, `"` and `'` as entities: safe in element content and in quoted attributes. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => (ch === '&' ? '&amp;' : ch === '<' ? '&lt;' : ch === '>' ? '&gt;' : ch === '"' ? '&quot;' : '&#39;'));
}

/** A published port as the dashboard shows it. */
interface PortChip {
  /** Host port (what the chip shows and what overrides are keyed by first). */
  hostPort: number;
  /** Container port and protocol (`80/tcp`). */
  containerPort: string;
}

/** Published ports from the engine's creation options (`HostConfig.PortBindings`), sorted by host port. */
function publishedPorts(detail: ContainerDetail | undefined): PortChip[] {
  const hostConfig = detail?.spec.native['HostConfig'];
  const bindings = typeof hostConfig === 'object' && hostConfig !== null ? (hostConfig as Record<string, unknown>)['PortBindings'] : undefined;
  if (typeof bindings !== 'object' || bindings === null) return [];
  const chips = new Map<number, PortChip>();
  for (const [containerPort, list] of Object.entries(bindings as Record<string, unknown>)) {
    if (!Array.isArray(list)) continue;
    for (const binding of list) {
      const hostPort = Number((binding as { HostPort?: unknown } | null)?.HostPort);
      if (Number.isInteger(hostPort) && hostPort > 0 && hostPort <= 65535 && !chips.has(hostPort)) chips.set(hostPort, { hostPort, containerPort });
    }
  }
  return [...chips.values()].sort((a, b) => a.hostPort - b.hostPort);
}

/** Overrides of one container, ordered by port. */
async function overridesOf(storage: StoragePort, name: string): Promise<PortOverride[]> {
  const stored = (await storage.get<Record<string, string>>(PORT_CONFIG, queueKey(name))) ?? {};
  return Object.entries(stored)
    .map(([port, url]) => ({ port: Number(port), url }))
    .filter((o) => Number.isInteger(o.port) && typeof o.url === 'string')
    .sort((a, b) => a.port - b.port);
}

/** Safe `href` value: only http(s) URLs are ever linked. */
function safeHref(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? escapeHtml(url) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One dashboard row. Every value that comes from a container, a label, the
 * engine or a user goes through `escapeHtml`; class names are built only from
 * a fixed vocabulary.
 */
export function renderContainerRow(c: Container, ports: PortChip[], overrides: PortOverride[], linkHost: string | undefined): string {
  const e = escapeHtml;
  const known = (value: string, allowed: readonly string[]): string => (allowed.includes(value) ? value : 'other');
  const stateClass = known(c.state, ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead']);
  const policyClass = known(c.policy, ['auto', 'manual', 'pinned']);
  const byPort = new Map(overrides.map((o) => [o.port, o.url]));

  const chips = ports.map((p) => {
    const containerPort = Number(p.containerPort.split('/')[0]);
    const override = byPort.get(p.hostPort) ?? byPort.get(containerPort);
    const target = override ?? (linkHost === undefined ? undefined : `http://${linkHost}:${p.hostPort}`);
    const href = target === undefined ? undefined : safeHref(target);
    const label = `${p.hostPort}`;
    const title = `${p.hostPort} → ${p.containerPort}`;
    return href === undefined
      ? `<span class="port-chip" title="${e(title)}">${e(label)}</span>`
      : `<a class="port-chip${override === undefined ? '' : ' port-chip-custom'}" href="${href}" title="${e(title)}" target="_blank" rel="noopener noreferrer">${e(label)}</a>`;
  });

  const update = c.maintenance
    ? '<span class="badge updating">updating</span>'
    : c.update_available === true
      ? `<span class="badge update-available" title="${e((c.newer_versions ?? []).join(', '))}">${e(c.newer_versions?.[0] ?? 'update available')}</span>`
      : '<span class="badge up-to-date">up to date</span>';

  return [
    `<tr id="container-${e(c.name)}" class="container-row state-${stateClass}" data-name="${e(c.name)}" data-state="${e(c.state)}" data-policy="${e(c.policy)}" data-update-available="${c.update_available === true}">`,
    `<td class="col-name"><span class="container-name">${e(c.name)}</span>${c.stack === undefined ? '' : `<span class="container-stack">${e(c.stack)}</span>`}</td>`,
    `<td class="col-image"><code>${e(c.image)}</code></td>`,
    `<td class="col-status"><span class="badge state-${stateClass}">${e(c.state)}</span>${c.health === undefined ? '' : ` <span class="health">${e(c.health)}</span>`}${c.status === undefined ? '' : ` <span class="status">${e(c.status)}</span>`}</td>`,
    `<td class="col-policy"><span class="badge policy-${policyClass}">${e(c.policy)}</span></td>`,
    `<td class="col-update">${update}</td>`,
    `<td class="col-ports">${chips.join('')}</td>`,
    '</tr>',
  ].join('');
}

/** `GET /api/containers/{name}/row` and Port Configuration. */
export function registerContainerExtraRoutes(app: OpenAPIHono, { sentinel, logger }: RouteContext): void {
  const { storage, docker } = sentinel;

  const findContainer = async (name: string): Promise<Container> => {
    const found = (await sentinel.listContainers()).find((c) => c.name === name);
    if (found === undefined) throw new NotFoundError(`container ${name} not found`);
    return found;
  };

  app.openapi(containerRowRoute, async (c) => {
    assertLocalHost(c.req.valid('query').host);
    const container = await findContainer(c.req.valid('param').name);
    const detail = await docker.inspectContainer(container.id).catch(() => undefined);
    // Default chip links point at the host the dashboard was reached on; URL parsing keeps it a plain host name.
    const linkHost = new URL(c.req.url).hostname || undefined;
    const html = renderContainerRow(container, publishedPorts(detail), await overridesOf(storage, container.name), linkHost);
    return c.json({ name: container.name, html, stats: await sentinel.stats() }, 200);
  });

  app.openapi(getPortConfigRoute, async (c) => {
    const container = await findContainer(c.req.valid('param').name);
    return c.json({ container_name: container.name, ports: await overridesOf(storage, container.name) }, 200);
  });

  app.openapi(setPortConfigRoute, async (c) => {
    const { name, port } = c.req.valid('param');
    const url = validatePortUrl(c.req.valid('json').url);
    const container = await findContainer(name);
    const key = queueKey(container.name);
    const stored = (await storage.get<Record<string, string>>(PORT_CONFIG, key)) ?? {};
    if (!(port in stored) && Object.keys(stored).length >= MAX_OVERRIDES_PER_CONTAINER) {
      throw new InvalidError(`${container.name} already has ${MAX_OVERRIDES_PER_CONTAINER} port overrides`);
    }
    await storage.put(PORT_CONFIG, key, { ...stored, [port]: url });
    logger.info('port override set', { name: container.name, port: Number(port) });
    sentinel.events.publish({ type: 'settings_change', container_name: container.name, message: `port ${port} of ${container.name} links to ${url}`, data: { section: 'port_config', port: Number(port) } });
    return c.json({ status: 'ok' as const, container_name: container.name, port: Number(port), url, message: `port ${port} of ${container.name} now links to ${url}` }, 200);
  });

  app.openapi(deletePortConfigRoute, async (c) => {
    const { name, port } = c.req.valid('param');
    const key = queueKey(name);
    const stored = (await storage.get<Record<string, string>>(PORT_CONFIG, key)) ?? {};
    // Allowed for a container that no longer exists, so leftovers can be cleaned up.
    if (!(port in stored)) throw new NotFoundError(`no port override for ${name} port ${port}`);
    const { [port]: _removed, ...rest } = stored;
    if (Object.keys(rest).length === 0) await storage.delete(PORT_CONFIG, key);
    else await storage.put(PORT_CONFIG, key, rest);
    logger.info('port override removed', { name, port: Number(port) });
    sentinel.events.publish({ type: 'settings_change', container_name: name, message: `port override of ${name} port ${port} removed`, data: { section: 'port_config', port: Number(port) } });
    return c.json({ status: 'ok' as const, container_name: name, port: Number(port), message: `port override of ${name} port ${port} removed` }, 200);
  });
}
