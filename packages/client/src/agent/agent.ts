import type { AgentReportBody, AgentReportResponse } from '@sentinel-kit/core/contract';
import { createSentinelClient } from '../client.js';
import type { SentinelClient } from '../client.js';
import { isApiError, isNetworkError, isTimeoutError, RateLimitError } from '../errors.js';
import type { FetchLike } from '../internal/transport.js';
import type { AgentOptions } from './args.js';
import { parseOsRelease } from './os-release.js';
import type { OsRelease } from './os-release.js';
import { collectPackages } from './packages.js';
import type { SystemAccess } from './packages.js';
import { planReport, softwareItems } from './report.js';
import type { PlannedReport } from './report.js';
import { loadState, saveState } from './state.js';

/** What the agent needs from the machine it runs on (injected, so it can be tested). */
export interface AgentHost {
  system: SystemAccess;
  hostname(): string;
  /** An OS description when `/etc/os-release` is missing (`Linux 6.1.0`). */
  osFallback(): string;
  fetch: FetchLike;
  now(): number;
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Progress and errors (stderr). */
  log(line: string): void;
  /** Output (stdout): the report of `--dry-run`. */
  print(text: string): void;
}

/** A failure explained for the user; `retryable` ones are retried at the next interval. */
export class AgentError extends Error {
  override readonly name = 'AgentError' as const;
}

export interface AgentRunResult {
  kind: 'full' | 'delta' | 'dry-run';
  packages: number;
  response?: AgentReportResponse;
}

const MAX_RATE_LIMIT_RETRIES = 3;
const MAX_RETRY_WAIT_MS = 10 * 60_000;

async function readOsRelease(system: SystemAccess): Promise<OsRelease> {
  const text = (await system.readFile('/etc/os-release')) ?? (await system.readFile('/usr/lib/os-release'));
  return text === undefined ? { id: undefined, idLike: [], versionId: undefined, prettyName: undefined } : parseOsRelease(text);
}

/** The innermost reason of a network failure (`connect ECONNREFUSED 127.0.0.1:9` rather than `fetch failed`). */
function rootReason(error: Error): string {
  let reason = error.message.replace(/^.* failed: /, '');
  let cause: unknown = error.cause;
  for (let depth = 0; cause instanceof Error && depth < 5; depth++) {
    if (cause.message !== '') reason = cause.message;
    cause = cause.cause;
  }
  return reason;
}

/** One sentence for the user from a failed call to the server. */
function explain(error: unknown, server: string, what: string, keyFrom: string): AgentError {
  if (isNetworkError(error)) return new AgentError(`cannot reach the server at ${server}: ${rootReason(error)}`);
  if (isTimeoutError(error)) return new AgentError(`the server at ${server} did not answer ${what} within ${error.timeoutMs} ms`);
  if (isApiError(error)) {
    const detail = typeof error.body === 'object' && error.body !== null ? ((error.body as { error?: unknown; detail?: unknown }).error ?? (error.body as { detail?: unknown }).detail) : undefined;
    const reason = typeof detail === 'string' ? detail : typeof error.body === 'string' && error.body !== '' ? error.body.slice(0, 200) : `HTTP ${error.status}`;
    if (error.status === 401) return new AgentError(`the server refused the agent key (401: ${reason}); check ${keyFrom}`);
    if (error.status === 403) return new AgentError(`the agent key may not send this report (403: ${reason}): use a key created with POST /api/agent-keys or by enrollment`);
    if (error.status === 413) return new AgentError(`the report is larger than the server accepts (413: ${reason})`);
    if (error.status === 429) return new AgentError(`the server is rate limiting this key (429: ${reason})`);
    if (error.status === 400) return new AgentError(`the server rejected ${what} (400: ${reason})`);
    return new AgentError(`the server answered ${what} with HTTP ${error.status}: ${reason}`);
  }
  return new AgentError(error instanceof Error ? error.message : String(error));
}

async function enroll(client: SentinelClient, token: string, hostname: string, os: string): Promise<{ agentKey: string; agentId: string | undefined }> {
  const answer = await client.request<{ status?: string; data?: { agent_key?: unknown; agent_id?: unknown } }>({
    method: 'POST',
    path: '/api/v1/agents/enroll',
    json: { token, hostname, os },
  });
  const key = answer.data?.agent_key;
  if (typeof key !== 'string' || key === '') throw new AgentError('the enrollment answer carried no agent key');
  return { agentKey: key, agentId: typeof answer.data?.agent_id === 'string' ? answer.data.agent_id : undefined };
}

/** Collect, plan and (unless dry-run) send one report; updates the state file on success. */
export async function runAgentOnce(options: AgentOptions, host: AgentHost, signal?: AbortSignal): Promise<AgentRunResult> {
  const state = await loadState(options.statePath);
  const os = await readOsRelease(host.system);
  const osText = os.prettyName ?? host.osFallback();
  const hostname = options.hostname ?? host.hostname();
  host.log(`collecting installed packages on ${hostname} (${osText})…`);
  const { manager, packages } = await collectPackages(host.system, [...(os.id === undefined ? [] : [os.id]), ...os.idLike]);
  const items = softwareItems(manager, packages, os);
  host.log(`collected ${items.length} packages (${manager})`);
  const server = options.server ?? '';
  const plan = planReport({ server, hostname, os: osText, items }, state.last, { forceFull: options.forceFull, fullEveryMs: options.fullEveryMs, now: host.now() });

  if (options.dryRun) {
    host.print(`${JSON.stringify(plan.body, null, 2)}\n`);
    host.log(`dry run: ${describe(plan)}, nothing sent`);
    return { kind: 'dry-run', packages: items.length };
  }

  const client = createSentinelClient({ baseUrl: server, fetch: host.fetch, retry: 0, timeoutMs: options.timeoutMs, headers: { 'user-agent': 'sentinel-agent' } });
  let keyFrom = '--key / SENTINEL_AGENT_KEY';
  let key = options.key;
  if (key === undefined && state.agent_key !== undefined && state.enrolled_server === server) {
    key = state.agent_key;
    keyFrom = `the key enrolled in ${options.statePath} (enroll again with --enroll <token>)`;
  }
  if (key === undefined && options.enrollToken !== undefined) {
    host.log(`enrolling with ${server}…`);
    let enrolled: { agentKey: string; agentId: string | undefined };
    try {
      enrolled = await enroll(client, options.enrollToken, hostname, osText);
    } catch (error) {
      if (isApiError(error) && error.status === 401) throw new AgentError('the enrollment token was refused (401): it is unknown, expired or used up');
      if (isApiError(error) && error.status === 404) throw new AgentError(`${server} does not offer agent enrollment (404): create a key with POST /api/agent-keys and pass --key`);
      throw explain(error, server, 'the enrollment', keyFrom);
    }
    key = enrolled.agentKey;
    keyFrom = `the key enrolled in ${options.statePath} (enroll again with --enroll <token>)`;
    Object.assign(state, { agent_key: enrolled.agentKey, enrolled_server: server, ...(enrolled.agentId === undefined ? {} : { agent_id: enrolled.agentId }) });
    await saveState(options.statePath, state);
    host.log(`enrolled${enrolled.agentId === undefined ? '' : ` as ${enrolled.agentId}`}; the key is kept in ${options.statePath}`);
  }
  if (key === undefined) throw new AgentError('no agent key: pass --key <sk_agent_…> (or set SENTINEL_AGENT_KEY), or enroll once with --enroll <token>');

  const send = async (body: AgentReportBody, what: string): Promise<AgentReportResponse> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await client.inventory.report(body, { agentKey: key, ...(signal === undefined ? {} : { signal }) });
      } catch (error) {
        if (error instanceof RateLimitError && attempt < MAX_RATE_LIMIT_RETRIES) {
          const waitMs = Math.min(MAX_RETRY_WAIT_MS, (error.retryAfter ?? 60) * 1000);
          host.log(`rate limited (429): retrying in ${Math.ceil(waitMs / 1000)} s`);
          await host.sleep(waitMs, signal);
          if (signal?.aborted === true) throw new AgentError('stopped while waiting to retry');
          continue;
        }
        throw explain(error, server, what, keyFrom);
      }
    }
  };

  host.log(`sending ${describe(plan)} to ${server}…`);
  let response = await send(plan.body, `the ${plan.kind} report`);
  let kind = plan.kind;
  host.log(accepted(response));
  if (plan.kind === 'delta' && (response.products_processed !== items.length || response.asset_id !== state.last?.asset_id)) {
    // The server's copy is not what this agent sent (restored backup, host deleted, another agent with this hostname).
    host.log(`the server holds ${response.products_processed} packages for ${hostname}, this host has ${items.length}: sending a full report`);
    const full = planReport({ server, hostname, os: osText, items }, undefined, { fullEveryMs: options.fullEveryMs, now: host.now() });
    response = await send(full.body, 'the full report');
    kind = 'full';
    host.log(accepted(response));
  }
  const previousFull = state.last?.full_at;
  state.last = {
    server,
    hostname,
    packages: items.map((item) => [item.name, item.version]),
    asset_id: response.asset_id,
    full_at: kind === 'full' || previousFull === undefined ? new Date(host.now()).toISOString() : previousFull,
  };
  await saveState(options.statePath, state);
  return { kind, packages: items.length, response };
}

function describe(plan: PlannedReport): string {
  return plan.kind === 'full' ? `full report (${plan.added} packages)` : `delta report (+${plan.added} −${plan.removed})`;
}

function accepted(response: AgentReportResponse): string {
  return `accepted: asset ${response.asset_id} (${response.hostname}): ${response.products_processed} processed, ${response.products_matched} matched, ${response.vulnerabilities_found} vulnerabilities`;
}

/**
 * Run the agent: once, or every `intervalMs` until `signal` aborts. With an
 * interval, a failed run is logged and retried at the next one. Resolves the
 * process exit code.
 */
export async function runAgent(options: AgentOptions, host: AgentHost, signal?: AbortSignal): Promise<number> {
  // A function, not a property read: the signal changes while we wait.
  const stopped = (): boolean => signal?.aborted === true;
  for (;;) {
    let failed = false;
    try {
      await runAgentOnce(options, host, signal);
    } catch (error) {
      failed = true;
      host.log(`error: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (options.once || options.dryRun) return failed ? 1 : 0;
    if (stopped()) return 0;
    host.log(`next report in ${Math.round(options.intervalMs / 60_000)} min`);
    await host.sleep(options.intervalMs, signal);
    if (stopped()) return 0;
  }
}

