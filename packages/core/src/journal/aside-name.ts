/**
 * The one name pattern of a set-aside container: `<name>-sentinel-old-<journal id>`.
 *
 * Docker cannot change a container's labels after it was created, so the mark
 * of a container that an update set aside is its name: the name it belongs to
 * and the journal entry of the transaction that renamed it. Every surface
 * leaves such containers out; only their transaction or recovery removes them.
 */
const ASIDE = /^(.+)-sentinel-old-([0-9a-z]{8,})$/;

/** Name a container gets while its update runs. */
export function asideName(name: string, journalId: string): string {
  return `${name}-sentinel-old-${journalId}`;
}

/** The container and journal entry a set-aside name belongs to, or `undefined` for an ordinary name. */
export function parseAsideName(name: string): { of: string; journalId: string } | undefined {
  const match = ASIDE.exec(name);
  if (match === null) return undefined;
  const [, of = '', journalId = ''] = match;
  return { of, journalId };
}

/** Whether a container name marks a container set aside by an update. */
export function isAsideName(name: string): boolean {
  return ASIDE.test(name);
}
