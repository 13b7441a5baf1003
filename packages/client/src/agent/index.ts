// `@sentinel-kit/client/agent`: the inventory agent behind the `sentinel-agent` command.
// Its own entry point: it uses node:child_process, node:fs and node:os, which the client itself never does.
export { runAgent, runAgentOnce, AgentError } from './agent.js';
export type { AgentHost, AgentRunResult } from './agent.js';
export { parseAgentArgs, parseDuration, AGENT_HELP } from './args.js';
export type { AgentOptions, ParsedArgs } from './args.js';
export { collectPackages, parseDpkgQuery, parseRpmQuery, parseApkInstalled, parseApkInfo, DPKG_FORMAT, RPM_FORMAT } from './packages.js';
export type { InstalledPackage, PackageManager, SystemAccess } from './packages.js';
export { parseOsRelease } from './os-release.js';
export type { OsRelease } from './os-release.js';
export { softwareItems, planReport } from './report.js';
export type { PlannedReport, SentInventory } from './report.js';
export { defaultStatePath, loadState, saveState } from './state.js';
export type { AgentState } from './state.js';
