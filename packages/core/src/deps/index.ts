export { buildDependencyGraph, dependencyInputFrom, orderByDependencies, transitiveDependents, DEPENDENCY_LABELS } from './dependency-graph.js';
export type { DependencyInput, DependencyNode, DependencyGraph } from './dependency-graph.js';
