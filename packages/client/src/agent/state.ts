import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { SentInventory } from './report.js';

/** What the agent keeps between runs: its key (after enrollment) and what it last sent. */
export interface AgentState {
  version: 1;
  /** The agent key obtained by enrollment (`sk_agent_…`): a secret, so the file is written 0600. */
  agent_key?: string;
  /** The server the key was enrolled with. */
  enrolled_server?: string;
  agent_id?: string;
  last?: SentInventory;
}

/** `$XDG_STATE_HOME/sentinel-agent/state.json`, else `~/.local/state/sentinel-agent/state.json`. */
export function defaultStatePath(env: Record<string, string | undefined>): string {
  const base = env.XDG_STATE_HOME !== undefined && env.XDG_STATE_HOME !== '' ? env.XDG_STATE_HOME : join(homedir(), '.local', 'state');
  return join(base, 'sentinel-agent', 'state.json');
}

/** The state at `path`; a fresh state when there is no file. @throws Error when the file exists but is not a state file. */
export async function loadState(path: string): Promise<AgentState> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1 };
    throw new Error(`cannot read the state file ${path}: ${(error as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as Partial<AgentState>;
    if (parsed.version !== 1) throw new Error('unknown version');
    return parsed as AgentState;
  } catch (error) {
    throw new Error(`the state file ${path} is not valid (${(error as Error).message}): move it away to start afresh`);
  }
}

/** Write the state atomically (temp file, then rename), readable by its owner only. */
export async function saveState(path: string, state: AgentState): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(state)}\n`, { mode: 0o600 });
  await rename(temp, path);
}
