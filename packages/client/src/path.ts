/**
 * Template tag that percent-encodes every interpolated value as one path
 * segment, so a container name or a queue key such as `host::web` can never
 * change which route is called (`../stats`, `a/b`, `?x=1` stay inside their segment).
 *
 * @example
 * path`/api/containers/${name}/logs` // name "a/b" → "/api/containers/a%2Fb/logs"
 * @throws TypeError for `.`, `..` or an empty value, which URL normalisation
 *   would turn into a different path whatever the encoding.
 */
export function path(strings: TemplateStringsArray, ...values: ReadonlyArray<string | number>): string {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    const segment = String(value);
    if (segment === '' || segment === '.' || segment === '..') {
      throw new TypeError(`path parameter ${JSON.stringify(segment)} is not allowed: it would change the request path`);
    }
    out += encodeURIComponent(segment) + (strings[i + 1] ?? '');
  });
  return out;
}
