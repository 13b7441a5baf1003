import { InvalidError } from '../errors/index.js';

/**
 * The variables a notification template can use, with what each holds.
 * Values are strings (empty when they do not apply to the event).
 */
export const TEMPLATE_VARIABLES = {
  EventType: 'Notification event type, e.g. update_available',
  Title: 'The notification title, e.g. "Update available: nginx"',
  Message: "The engine's one-line event message",
  ContainerName: 'Container name',
  HostName: 'Name of the Docker host (the Sentinel server for local containers)',
  OldImage: 'Image before the change (the running image for update_available)',
  NewImage: 'Image after the change (the target image for update_available)',
  OldVersion: 'Tag (or resolved version) of OldImage',
  NewVersion: 'Tag (or resolved version) of NewImage',
  NewerVersions: 'Every newer version found, newest first, comma separated',
  Error: 'Why an update, rollback or check failed',
  Timestamp: 'When it happened (RFC 3339, UTC)',
  Count: 'Digest: number of pending updates',
  Updates: 'Digest: one line per pending update',
} as const;

export type TemplateVariableName = keyof typeof TEMPLATE_VARIABLES;
export type TemplateVars = Record<TemplateVariableName, string>;

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'var'; name: TemplateVariableName }
  | { kind: 'if'; name: TemplateVariableName; then: Node[]; else: Node[] };

/** A parsed template; render it as often as needed. */
export interface CompiledTemplate {
  readonly source: string;
  render(vars: TemplateVars): string;
}

const MAX_SOURCE = 4000;
const MAX_DEPTH = 8;

const isVariable = (name: string): name is TemplateVariableName => Object.hasOwn(TEMPLATE_VARIABLES, name);

/**
 * Parse a Go-template-like notification template. Supported, and nothing else:
 * `{{.Var}}`, `{{if .Var}}…{{else}}…{{end}}` (a variable is true when not
 * empty), and `{{-`/`-}}` to trim the whitespace on that side. Text outside
 * actions is copied as is; no expression is ever evaluated, so a template
 * cannot run code or reach anything but the variables above.
 *
 * Throws `InvalidError` naming the problem (unknown variable, unclosed
 * `{{if}}`, unsupported action).
 *
 * @example compileTemplate('Update: {{.ContainerName}}').render(vars)
 */
export function compileTemplate(source: string): CompiledTemplate {
  if (source.length > MAX_SOURCE) throw new InvalidError(`template is too long (${source.length} characters, at most ${MAX_SOURCE})`);
  const tokens = tokenize(source);
  let pos = 0;

  const parseBlock = (depth: number, inside: boolean): { nodes: Node[]; end: 'else' | 'end' | 'eof' } => {
    if (depth > MAX_DEPTH) throw new InvalidError(`template nests {{if}} deeper than ${MAX_DEPTH} levels`);
    const nodes: Node[] = [];
    while (pos < tokens.length) {
      const token = tokens[pos++] as Token;
      if (token.kind === 'text') {
        if (token.text !== '') nodes.push({ kind: 'text', text: token.text });
        continue;
      }
      const action = token.action;
      const variable = /^\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(action);
      if (variable !== null) {
        nodes.push({ kind: 'var', name: checkName(variable[1] as string) });
        continue;
      }
      const cond = /^if\s+\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(action);
      if (cond !== null) {
        const name = checkName(cond[1] as string);
        const thenPart = parseBlock(depth + 1, true);
        let elsePart: Node[] = [];
        if (thenPart.end === 'else') {
          const rest = parseBlock(depth + 1, true);
          if (rest.end !== 'end') throw new InvalidError('template has {{else}} without a closing {{end}}');
          elsePart = rest.nodes;
        } else if (thenPart.end !== 'end') {
          throw new InvalidError(`template has {{if .${name}}} without a closing {{end}}`);
        }
        nodes.push({ kind: 'if', name, then: thenPart.nodes, else: elsePart });
        continue;
      }
      if (action === 'else' || action === 'end') {
        if (!inside) throw new InvalidError(`template has {{${action}}} without a matching {{if}}`);
        return { nodes, end: action };
      }
      throw new InvalidError(`template action {{${action}}} is not supported: use {{.Variable}} or {{if .Variable}}…{{else}}…{{end}}`);
    }
    return { nodes, end: 'eof' };
  };

  const { nodes } = parseBlock(0, false);
  return {
    source,
    render: (vars) => renderNodes(nodes, vars),
  };
}

/** Validate a template without keeping it (same errors as `compileTemplate`). */
export function validateTemplate(source: string): void {
  compileTemplate(source);
}

function checkName(name: string): TemplateVariableName {
  if (!isVariable(name)) {
    throw new InvalidError(`template uses unknown variable .${name}; known variables: ${Object.keys(TEMPLATE_VARIABLES).map((v) => `.${v}`).join(', ')}`);
  }
  return name;
}

function renderNodes(nodes: Node[], vars: TemplateVars): string {
  let out = '';
  for (const node of nodes) {
    if (node.kind === 'text') out += node.text;
    else if (node.kind === 'var') out += vars[node.name] ?? '';
    else out += renderNodes((vars[node.name] ?? '') !== '' ? node.then : node.else, vars);
  }
  return out;
}

type Token = { kind: 'text'; text: string } | { kind: 'action'; action: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let trimNextText = false;
  while (i < source.length) {
    const open = source.indexOf('{{', i);
    if (open === -1) {
      pushText(source.slice(i), false);
      break;
    }
    const close = source.indexOf('}}', open + 2);
    if (close === -1) throw new InvalidError(`template has an unclosed "{{" at character ${open + 1}`);
    let inner = source.slice(open + 2, close);
    const trimLeft = /^-\s/.test(inner) || inner === '-';
    const trimRight = /\s-$/.test(inner);
    if (trimLeft) inner = inner.slice(1);
    if (trimRight) inner = inner.slice(0, -1);
    pushText(source.slice(i, open), trimLeft);
    tokens.push({ kind: 'action', action: inner.trim() });
    trimNextText = trimRight;
    i = close + 2;
  }
  return tokens;

  function pushText(text: string, trimEnd: boolean): void {
    let t = text;
    if (trimNextText) t = t.replace(/^\s+/, '');
    if (trimEnd) t = t.replace(/\s+$/, '');
    trimNextText = false;
    tokens.push({ kind: 'text', text: t });
  }
}
