import { InvalidError } from '../../errors/index.js';

/** The eleven attributes of a CPE 2.3 well-formed name (NISTIR 7695 §5.2), in binding order. */
export const CPE_ATTRIBUTES = [
  'part',
  'vendor',
  'product',
  'version',
  'update',
  'edition',
  'language',
  'sw_edition',
  'target_sw',
  'target_hw',
  'other',
] as const;
export type CpeAttribute = (typeof CPE_ATTRIBUTES)[number];

/** The logical value ANY ("any value"; `*` in a formatted string). Compare with `===`. */
export const ANY: { readonly logical: 'ANY' } = Object.freeze({ logical: 'ANY' as const });
/** The logical value NA ("not applicable"; `-` in a formatted string). Compare with `===`. */
export const NA: { readonly logical: 'NA' } = Object.freeze({ logical: 'NA' as const });
export type CpeLogicalValue = typeof ANY | typeof NA;

/**
 * One attribute value of a WFN: a logical value, or a string in WFN form,
 * i.e. with every character other than letters, digits and `_` quoted by a
 * backslash (`8\.0\.6001`), and unquoted `*` / `?` wildcards allowed only at
 * the start or the end.
 */
export type CpeValue = string | CpeLogicalValue;

/** A CPE 2.3 well-formed name. */
export type Wfn = { readonly [K in CpeAttribute]: CpeValue };

export function isLogicalValue(value: CpeValue): value is CpeLogicalValue {
  return typeof value !== 'string';
}

/** A WFN with the given attributes and ANY everywhere else. */
export function createWfn(attributes: Partial<Record<CpeAttribute, CpeValue>>): Wfn {
  return {
    part: attributes.part ?? ANY,
    vendor: attributes.vendor ?? ANY,
    product: attributes.product ?? ANY,
    version: attributes.version ?? ANY,
    update: attributes.update ?? ANY,
    edition: attributes.edition ?? ANY,
    language: attributes.language ?? ANY,
    sw_edition: attributes.sw_edition ?? ANY,
    target_sw: attributes.target_sw ?? ANY,
    target_hw: attributes.target_hw ?? ANY,
    other: attributes.other ?? ANY,
  };
}

/** The same WFN with every string value lowercased (matching is case-insensitive). */
export function lowercaseWfn(wfn: Wfn): Wfn {
  const lower = (value: CpeValue): CpeValue => (typeof value === 'string' ? value.toLowerCase() : value);
  // A literal keeps one object shape for every WFN, which keeps attribute reads fast in the matcher.
  return {
    part: lower(wfn.part),
    vendor: lower(wfn.vendor),
    product: lower(wfn.product),
    version: lower(wfn.version),
    update: lower(wfn.update),
    edition: lower(wfn.edition),
    language: lower(wfn.language),
    sw_edition: lower(wfn.sw_edition),
    target_sw: lower(wfn.target_sw),
    target_hw: lower(wfn.target_hw),
    other: lower(wfn.other),
  };
}

/**
 * Quote a plain string into WFN form: letters, digits and `_` pass; every
 * other character, wildcards included, gets a backslash.
 *
 * @example quoteCpeValue('8.0.6001') // '8\\.0\\.6001'
 */
export function quoteCpeValue(literal: string): string {
  let out = '';
  for (const ch of literal) out += isWordChar(ch) ? ch : `\\${ch}`;
  return out;
}

/** The plain string a WFN string value stands for (quoting removed; wildcards kept as characters). */
export function unquoteCpeValue(value: string): string {
  if (!value.includes('\\')) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] as string;
    if (ch === '\\' && i + 1 < value.length) {
      out += value[i + 1];
      i++;
    } else {
      out += ch;
    }
  }
  return out;
}

/** Whether a WFN string value holds an unquoted `*` or `?`. */
export function hasUnquotedWildcard(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '\\') i++;
    else if (ch === '*' || ch === '?') return true;
  }
  return false;
}

/** Display text of a value: the plain string, `*` for ANY, `-` for NA. */
export function cpeValueText(value: CpeValue): string {
  if (value === ANY) return '*';
  if (value === NA) return '-';
  return unquoteCpeValue(value as string);
}

function isWordChar(ch: string): boolean {
  return /^[A-Za-z0-9_]$/.test(ch);
}

/**
 * Parse a CPE name into a WFN. Accepts the CPE 2.3 formatted string binding
 * (`cpe:2.3:…`, unbound per NISTIR 7695 §6.2.3), the CPE 2.2 URI binding
 * (`cpe:/…`, §6.1.3) and the WFN notation (`wfn:[part="a",…]`, §5.4).
 * A formatted string may stop early (`cpe:2.3:a:nginx:nginx:1.24.0`): the
 * missing attributes are ANY.
 *
 * @throws InvalidError when the name is malformed (embedded unquoted
 *   wildcard, unknown part, too many components, bad percent-encoding…).
 * @example parseCpe('cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*').version // '8\\.0\\.6001'
 */
export function parseCpe(name: string): Wfn {
  if (typeof name !== 'string') throw new InvalidError('A CPE name must be a string');
  const text = name.trim();
  const lower = text.slice(0, 8).toLowerCase();
  let wfn: Wfn;
  if (lower.startsWith('cpe:2.3:')) wfn = unbindFormattedString(text);
  else if (lower.startsWith('cpe:/')) wfn = unbindUri(text);
  else if (lower.startsWith('wfn:[')) wfn = parseWfnNotation(text);
  else throw new InvalidError(`Not a CPE name: ${JSON.stringify(name)} (expected "cpe:2.3:…", "cpe:/…" or "wfn:[…]")`);
  const part = wfn.part;
  if (part !== ANY && (typeof part !== 'string' || !/^[aoh]$/i.test(part))) {
    throw new InvalidError(`CPE part must be a, o, h or ANY in ${JSON.stringify(name)}`);
  }
  return wfn;
}

/** Parse, or `undefined` instead of throwing. */
export function tryParseCpe(name: string): Wfn | undefined {
  try {
    return parseCpe(name);
  } catch {
    return undefined;
  }
}

/** Split a formatted string on colons that are not quoted. */
function splitFormattedString(text: string): string[] {
  const fields: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '\\') {
      current += ch + (text[i + 1] ?? '');
      i++;
    } else if (ch === ':') {
      fields.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  fields.push(current);
  return fields;
}

function unbindFormattedString(text: string): Wfn {
  const fields = splitFormattedString(text);
  if (fields.length > 13) throw new InvalidError(`A CPE 2.3 formatted string has at most 13 components, got ${fields.length} in ${JSON.stringify(text)}`);
  if (fields.length < 5) throw new InvalidError(`A CPE 2.3 formatted string needs at least part, vendor and product: ${JSON.stringify(text)}`);
  const values: Partial<Record<CpeAttribute, CpeValue>> = {};
  CPE_ATTRIBUTES.forEach((attribute, index) => {
    const field = fields[index + 2];
    values[attribute] = field === undefined || field === '' || field === '*' ? ANY : field === '-' ? NA : addQuoting(field, text);
  });
  return createWfn(values);
}

/**
 * NISTIR 7695 §6.2.3.2 `add_quoting`: keep quoted characters, quote every
 * other non-word character, and allow unquoted `*` / `?` only at the ends.
 */
function addQuoting(field: string, whole: string): string {
  let out = '';
  let embedded = false;
  for (let i = 0; i < field.length; i++) {
    const ch = field[i] as string;
    if (isWordChar(ch)) {
      out += ch;
      embedded = true;
    } else if (ch === '\\') {
      if (i + 1 >= field.length) throw new InvalidError(`Dangling escape in CPE ${JSON.stringify(whole)}`);
      out += ch + (field[i + 1] as string);
      i++;
      embedded = true;
    } else if (ch === '*') {
      if (i !== 0 && i !== field.length - 1) throw new InvalidError(`Unquoted "*" inside a CPE value in ${JSON.stringify(whole)}`);
      out += ch;
      embedded = true;
    } else if (ch === '?') {
      const atEnd = i === 0 || i === field.length - 1;
      const inLeadingRun = !embedded && field[i - 1] === '?';
      const inTrailingRun = embedded && field[i + 1] === '?';
      if (!(atEnd || inLeadingRun || inTrailingRun)) throw new InvalidError(`Unquoted "?" inside a CPE value in ${JSON.stringify(whole)}`);
      out += ch;
      embedded = false;
    } else {
      out += `\\${ch}`;
      embedded = true;
    }
  }
  return out;
}

function unbindUri(text: string): Wfn {
  const components = text.split(':');
  if (components.length > 8) throw new InvalidError(`A CPE URI has at most 7 components: ${JSON.stringify(text)}`);
  const values: Partial<Record<CpeAttribute, CpeValue>> = {};
  const uriAttributes = ['part', 'vendor', 'product', 'version', 'update', 'edition', 'language'] as const;
  uriAttributes.forEach((attribute, index) => {
    let component = components[index + 1] ?? '';
    if (index === 0) component = component.slice(1); // drop the "/" of "cpe:/"
    if (attribute === 'edition' && component.startsWith('~')) {
      // CPE 2.3 packs five attributes into the 2.2 edition: ~edition~sw_edition~target_sw~target_hw~other
      const packed = component.slice(1).split('~');
      if (packed.length !== 5) throw new InvalidError(`Malformed packed edition in CPE URI ${JSON.stringify(text)}`);
      (['edition', 'sw_edition', 'target_sw', 'target_hw', 'other'] as const).forEach((name, i) => {
        values[name] = decodeUriComponent(packed[i] as string, text);
      });
    } else {
      values[attribute] = decodeUriComponent(component, text);
    }
  });
  return createWfn(values);
}

/** NISTIR 7695 §6.1.3.2 `decode`: percent-decoding into WFN quoting, `%01`/`%02` into wildcards. */
function decodeUriComponent(component: string, whole: string): CpeValue {
  if (component === '') return ANY;
  if (component === '-') return NA;
  const text = component.toLowerCase();
  let out = '';
  let embedded = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '.' || ch === '-' || ch === '~') {
      out += `\\${ch}`;
      embedded = true;
    } else if (ch !== '%') {
      out += isWordChar(ch) ? ch : `\\${ch}`;
      embedded = true;
    } else {
      const form = text.slice(i, i + 3);
      if (form === '%01') {
        const atEnd = i === 0 || i === text.length - 3;
        const inLeadingRun = !embedded && text.slice(i - 3, i) === '%01';
        const inTrailingRun = embedded && text.slice(i + 3, i + 6) === '%01';
        if (!(atEnd || inLeadingRun || inTrailingRun)) throw new InvalidError(`Embedded %01 in CPE URI ${JSON.stringify(whole)}`);
        out += '?';
      } else if (form === '%02') {
        if (!(i === 0 || i === text.length - 3)) throw new InvalidError(`Embedded %02 in CPE URI ${JSON.stringify(whole)}`);
        out += '*';
      } else {
        const code = /^%[0-9a-f]{2}$/.test(form) ? Number.parseInt(form.slice(1), 16) : Number.NaN;
        if (!(code >= 0x21 && code <= 0x7e) || isWordChar(String.fromCharCode(code))) {
          throw new InvalidError(`Invalid percent-encoding ${JSON.stringify(form)} in CPE URI ${JSON.stringify(whole)}`);
        }
        out += `\\${String.fromCharCode(code)}`;
        embedded = true;
      }
      i += 2;
    }
  }
  return out;
}

function parseWfnNotation(text: string): Wfn {
  if (!text.endsWith(']')) throw new InvalidError(`A WFN ends with "]": ${JSON.stringify(text)}`);
  const body = text.slice(5, -1);
  const values: Partial<Record<CpeAttribute, CpeValue>> = {};
  let i = 0;
  while (i < body.length) {
    const eq = body.indexOf('=', i);
    if (eq === -1) throw new InvalidError(`Malformed WFN ${JSON.stringify(text)}`);
    const name = body.slice(i, eq).trim() as CpeAttribute;
    if (!(CPE_ATTRIBUTES as readonly string[]).includes(name)) throw new InvalidError(`Unknown WFN attribute ${JSON.stringify(name)}`);
    if (values[name] !== undefined) throw new InvalidError(`WFN attribute ${name} given twice`);
    let j = eq + 1;
    if (body[j] === '"') {
      j++;
      let value = '';
      while (j < body.length && body[j] !== '"') {
        if (body[j] === '\\') {
          value += body.slice(j, j + 2);
          j += 2;
        } else {
          value += body[j];
          j++;
        }
      }
      if (body[j] !== '"') throw new InvalidError(`Unterminated WFN value in ${JSON.stringify(text)}`);
      values[name] = value;
      j++;
    } else {
      const end = body.indexOf(',', j);
      const word = body.slice(j, end === -1 ? body.length : end).trim();
      if (word === 'ANY') values[name] = ANY;
      else if (word === 'NA') values[name] = NA;
      else throw new InvalidError(`WFN value must be quoted, ANY or NA: ${JSON.stringify(word)}`);
      j = end === -1 ? body.length : end;
    }
    while (j < body.length && body[j] === ' ') j++;
    if (j < body.length && body[j] !== ',') throw new InvalidError(`Expected "," in WFN ${JSON.stringify(text)}`);
    i = j + 1;
  }
  return createWfn(values);
}

/**
 * Bind a WFN to a CPE 2.3 formatted string (NISTIR 7695 §6.2.2): ANY → `*`,
 * NA → `-`, and quoting kept except on `.`, `-` and `_`, which need none.
 *
 * @example formatCpe(parseCpe('wfn:[part="a",vendor="hp",product="insight",version="7\\.4\\.0\\.1570",update=NA]'))
 * // 'cpe:2.3:a:hp:insight:7.4.0.1570:-:*:*:*:*:*:*'
 */
export function formatCpe(wfn: Wfn): string {
  let out = 'cpe:2.3';
  for (const attribute of CPE_ATTRIBUTES) out += `:${bindValueForFs(wfn[attribute])}`;
  return out;
}

function bindValueForFs(value: CpeValue): string {
  if (value === ANY) return '*';
  if (value === NA) return '-';
  const text = value as string;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = text[i + 1] ?? '';
    out += next === '.' || next === '-' || next === '_' ? next : `\\${next}`;
    i++;
  }
  return out;
}

/** The WFN notation of NISTIR 7695 §5.4, every attribute listed. */
export function formatWfn(wfn: Wfn): string {
  const parts = CPE_ATTRIBUTES.map((attribute) => {
    const value = wfn[attribute];
    return `${attribute}=${value === ANY ? 'ANY' : value === NA ? 'NA' : `"${value as string}"`}`;
  });
  return `wfn:[${parts.join(',')}]`;
}
