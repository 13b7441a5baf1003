import type { Clock } from '../ports/clock.js';

/** What a command run inside the memory fake produced. */
export interface ExecOutcome {
  exitCode: number;
  /** stdout and stderr interleaved, as the engine returns them. */
  output: string;
}

interface ShellContext {
  clock: Clock;
  signal: AbortSignal;
  env: Record<string, string>;
  hostname: string;
}

/** Thrown by `exit` to unwind the rest of a script. */
class ShellExit {
  constructor(readonly code: number) {}
}

/**
 * A tiny stand-in for `/bin/sh` so that exec works out of the box in the
 * memory fake: enough for the commands health probes and tests usually run
 * (`sh -c 'echo …; exit 3'`, `true`, `false`, `sleep N`, `env`, `printenv X`,
 * `hostname`), with `;`, newlines, `&&`, `||`, quotes and `$VAR` expansion.
 * Redirections such as `>&2` are accepted and ignored, because the engine
 * interleaves stdout and stderr in one output anyway. Anything else answers
 * like a shell that lacks the program: exit code 127.
 */
export async function runBuiltinShell(command: readonly string[], context: ShellContext): Promise<ExecOutcome> {
  const out: string[] = [];
  let exitCode: number;
  try {
    const [program, flag, script] = command;
    if ((program === 'sh' || program === '/bin/sh') && flag === '-c' && script !== undefined) {
      exitCode = await runScript(script, context, out);
    } else {
      exitCode = await runSimple([...command], context, out);
    }
  } catch (error) {
    if (error instanceof ShellExit) exitCode = error.code;
    else throw error;
  }
  return { exitCode, output: out.join('') };
}

async function runScript(script: string, context: ShellContext, out: string[]): Promise<number> {
  let status = 0;
  for (const statement of script.split(/[;\n]/)) {
    // `a && b || c`: each step runs depending on the status of the one before.
    const steps = statement.split(/(&&|\|\|)/);
    let run = true;
    for (let i = 0; i < steps.length; i += 2) {
      const operator = i === 0 ? undefined : steps[i - 1];
      if (operator === '&&') run = status === 0;
      else if (operator === '||') run = status !== 0;
      const words = tokenize(steps[i] ?? '', { ...context.env, '?': String(status) });
      if (run && words.length > 0) status = await runSimple(words, context, out);
    }
  }
  return status;
}

async function runSimple(argv: string[], context: ShellContext, out: string[]): Promise<number> {
  const words = argv.filter((word) => !/^[0-9]?>&[0-9]$/.test(word));
  const [program, ...args] = words;
  switch (program) {
    case undefined:
      return 0;
    case 'true':
    case ':':
      return 0;
    case 'false':
      return 1;
    case 'echo': {
      const noNewline = args[0] === '-n';
      out.push(`${(noNewline ? args.slice(1) : args).join(' ')}${noNewline ? '' : '\n'}`);
      return 0;
    }
    case 'exit':
      throw new ShellExit(Number.parseInt(args[0] ?? '0', 10) || 0);
    case 'sleep': {
      const seconds = Number.parseFloat(args[0] ?? '0');
      await context.clock.sleep(Number.isFinite(seconds) ? seconds * 1000 : 0, context.signal);
      return 0;
    }
    case 'env':
      for (const [key, value] of Object.entries(context.env)) out.push(`${key}=${value}\n`);
      return 0;
    case 'printenv': {
      const value = context.env[args[0] ?? ''];
      if (value === undefined) return 1;
      out.push(`${value}\n`);
      return 0;
    }
    case 'hostname':
      out.push(`${context.hostname}\n`);
      return 0;
    default:
      out.push(`sh: ${program}: not found\n`);
      return 127;
  }
}

/** Split a simple command into words: single quotes are literal, double quotes and bare words expand `$VAR`. */
function tokenize(text: string, env: Record<string, string>): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  const expand = (s: string): string =>
    s.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*|\?))/g, (_m, braced?: string, bare?: string) => env[braced ?? bare ?? ''] ?? '');
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === "'" || ch === '"') {
      const end = text.indexOf(ch, i + 1);
      const inner = text.slice(i + 1, end === -1 ? text.length : end);
      current += ch === "'" ? inner : expand(inner);
      inWord = true;
      i = end === -1 ? text.length : end;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      let j = i;
      while (j < text.length && !/[\s'"]/.test(text[j] as string)) j++;
      current += expand(text.slice(i, j));
      inWord = true;
      i = j - 1;
    }
  }
  if (inWord) words.push(current);
  return words;
}
