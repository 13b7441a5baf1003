import { InvalidError } from '../errors/index.js';
import { DOCKER_HUB_REGISTRY } from '../registry/image-reference.js';

// Names Docker clients have used for Docker Hub; image references resolve them all to `docker.io`,
// so a credential saved under any of them must be found under `docker.io`.
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com', 'hub.docker.com']);
const DOMAIN_COMPONENT = '(?:[a-z0-9]|[a-z0-9][a-z0-9-]*[a-z0-9])';
const HOST_RE = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-f0-9:]+\\])(?::(\\d{1,5}))?$`);

/**
 * The registry name a credential is stored and looked up under: the same name
 * image references carry (`docker.io`, `ghcr.io`, `registry.lan:5000`).
 * Accepts what users paste from `docker login` or `~/.docker/config.json`
 * (`https://index.docker.io/v1/`, `GHCR.IO`), lowercases it and maps Docker
 * Hub's aliases to `docker.io`.
 *
 * @throws InvalidError when the value is not a `host[:port]` (with an optional scheme and trailing path for Docker Hub's `/v1/`).
 * @example
 * normalizeRegistryName('https://index.docker.io/v1/'); // 'docker.io'
 * normalizeRegistryName('Registry.LAN:5000'); // 'registry.lan:5000'
 */
export function normalizeRegistryName(input: string): string {
  let value = input.trim().toLowerCase();
  if (value.length === 0) throw new InvalidError('registry is empty');
  if (value.length > 255) throw new InvalidError('registry is longer than 255 characters');
  const scheme = /^(https?):\/\//.exec(value);
  if (scheme !== null) value = value.slice(scheme[0].length);
  const slash = value.indexOf('/');
  if (slash !== -1) {
    const path = value.slice(slash);
    value = value.slice(0, slash);
    // `https://index.docker.io/v1/` is how config.json names Docker Hub; any other path is not a registry name.
    if (!/^\/(v1|v2)?\/?$/.test(path)) throw new InvalidError(`registry "${truncate(input)}" must be a host name with an optional port, without a path`);
  }
  const match = HOST_RE.exec(value);
  if (match === null) throw new InvalidError(`registry "${truncate(input)}" is not a valid host[:port]`);
  const port = match[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) throw new InvalidError(`registry "${truncate(input)}" has an invalid port`);
  return DOCKER_HUB_ALIASES.has(value) ? DOCKER_HUB_REGISTRY : value;
}

function truncate(value: string): string {
  return value.length > 80 ? `${value.slice(0, 80)}…` : value;
}
