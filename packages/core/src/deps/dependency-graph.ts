import type { ContainerDetail } from '../ports/docker.js';

/** What the graph needs to know about one container. */
export interface DependencyInput {
  id: string;
  name: string;
  labels: Record<string, string>;
  /** `HostConfig.NetworkMode`, e.g. `container:vpn`. */
  networkMode?: string;
  /** `HostConfig.Links`: `/db:/app/db` (inspect form) or `db:alias` (create form). */
  links?: string[];
}

export interface DependencyNode {
  name: string;
  /** Containers this one needs (they go first). */
  dependencies: string[];
  /** Containers that need this one. */
  dependents: string[];
}

export interface DependencyGraph {
  /** Every container, by name. */
  containers: DependencyNode[];
  /** Every container, dependencies before dependents (ties by name); containers in a cycle come last. */
  order: string[];
  has_cycles: boolean;
}

/** Labels the graph reads. */
export const DEPENDENCY_LABELS = {
  dependsOn: 'sentinel.depends-on',
  composeDependsOn: 'com.docker.compose.depends_on',
  composeProject: 'com.docker.compose.project',
  composeService: 'com.docker.compose.service',
} as const;

/**
 * The input of a container, from its inspect detail. `spec.native` is read in
 * Docker Engine create-body shape, which both the dockerode adapter and the
 * memory fake use.
 */
export function dependencyInputFrom(detail: ContainerDetail): DependencyInput {
  const host = detail.spec.native['HostConfig'];
  const hostConfig = typeof host === 'object' && host !== null && !Array.isArray(host) ? (host as Record<string, unknown>) : {};
  const mode = hostConfig['NetworkMode'];
  const links = hostConfig['Links'];
  return {
    id: detail.id,
    name: detail.name,
    labels: detail.labels,
    ...(typeof mode === 'string' ? { networkMode: mode } : {}),
    ...(Array.isArray(links) ? { links: links.filter((l): l is string => typeof l === 'string') } : {}),
  };
}

/**
 * Build the dependency graph of a set of containers from:
 * - `sentinel.depends-on`: a comma list of container names;
 * - `com.docker.compose.depends_on`: `service:condition:restart,…`, mapped to
 *   the containers of that service in the same compose project;
 * - `network_mode: container:<name|id>`;
 * - legacy links (`--link db:alias`).
 * Dependencies on containers that do not exist are left out.
 */
export function buildDependencyGraph(inputs: readonly DependencyInput[]): DependencyGraph {
  const byName = new Map(inputs.map((c) => [c.name, c]));
  const resolve = (ref: string): string | undefined => {
    const name = ref.replace(/^\//, '');
    if (byName.has(name)) return name;
    if (/^[0-9a-f]{12,64}$/.test(name)) return inputs.find((c) => c.id.startsWith(name))?.name;
    return undefined;
  };

  const deps = new Map<string, Set<string>>(inputs.map((c) => [c.name, new Set<string>()]));
  for (const c of inputs) {
    const add = (target: string | undefined): void => {
      if (target !== undefined && target !== c.name) deps.get(c.name)?.add(target);
    };
    for (const ref of (c.labels[DEPENDENCY_LABELS.dependsOn] ?? '').split(',')) {
      if (ref.trim() !== '') add(resolve(ref.trim()));
    }
    const project = c.labels[DEPENDENCY_LABELS.composeProject];
    for (const entry of (c.labels[DEPENDENCY_LABELS.composeDependsOn] ?? '').split(',')) {
      const service = entry.trim().split(':')[0];
      if (service === undefined || service === '' || project === undefined) continue;
      for (const other of inputs) {
        if (other.labels[DEPENDENCY_LABELS.composeProject] === project && other.labels[DEPENDENCY_LABELS.composeService] === service) add(other.name);
      }
    }
    if (c.networkMode?.startsWith('container:') === true) add(resolve(c.networkMode.slice('container:'.length)));
    for (const link of c.links ?? []) add(resolve(link.split(':')[0] ?? ''));
  }

  const dependents = new Map<string, Set<string>>(inputs.map((c) => [c.name, new Set<string>()]));
  for (const [name, ds] of deps) for (const d of ds) dependents.get(d)?.add(name);

  // Kahn's algorithm, smallest name first among the ready ones, so the order is stable.
  const remaining = new Map([...deps].map(([name, ds]) => [name, ds.size]));
  const ready = [...remaining].filter(([, n]) => n === 0).map(([name]) => name).sort();
  const order: string[] = [];
  while (ready.length > 0) {
    const name = ready.shift() as string;
    order.push(name);
    for (const dependent of [...(dependents.get(name) ?? [])].sort()) {
      const left = (remaining.get(dependent) ?? 0) - 1;
      remaining.set(dependent, left);
      if (left === 0) {
        ready.push(dependent);
        ready.sort();
      }
    }
  }
  const cyclic = [...deps.keys()].filter((n) => !order.includes(n)).sort();

  const sortedNames = [...deps.keys()].sort();
  return {
    containers: sortedNames.map((name) => ({
      name,
      dependencies: [...(deps.get(name) ?? [])].sort(),
      dependents: [...(dependents.get(name) ?? [])].sort(),
    })),
    order: [...order, ...cyclic],
    has_cycles: cyclic.length > 0,
  };
}

/** `names` ordered as in the graph (dependencies first); names not in the graph keep their order at the end. */
export function orderByDependencies(names: readonly string[], graph: DependencyGraph): string[] {
  const rank = new Map(graph.order.map((n, i) => [n, i]));
  return [...names].sort((a, b) => (rank.get(a) ?? Infinity) - (rank.get(b) ?? Infinity));
}

/** Every container that depends on `name`, directly or not, in dependency order (nearest dependents first). */
export function transitiveDependents(name: string, graph: DependencyGraph): string[] {
  const nodes = new Map(graph.containers.map((n) => [n.name, n]));
  const seen = new Set<string>();
  const stack = [...(nodes.get(name)?.dependents ?? [])];
  while (stack.length > 0) {
    const next = stack.pop() as string;
    if (next === name || seen.has(next)) continue;
    seen.add(next);
    stack.push(...(nodes.get(next)?.dependents ?? []));
  }
  return orderByDependencies([...seen], graph);
}
