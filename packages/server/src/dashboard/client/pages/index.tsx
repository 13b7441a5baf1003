import type { JSX } from 'preact';
import { NAVIGATION } from '../nav.js';
import { href } from '../router.js';
import { Notice, PageTitle, useSession } from '../ui.js';
import { ContainersPage } from './containers.js';

/** Pages by route; a route with a parameter (`/logs/<name>`) matches its prefix. */
const PAGES: Record<string, () => JSX.Element> = {
  '/': ContainersPage,
};

const PREFIX_PAGES: Array<[string, (rest: string) => JSX.Element]> = [];

export function Page({ route }: { route: string }): JSX.Element {
  const { can } = useSession();
  const item = NAVIGATION.flatMap((g) => g.items).find((i) => i.route === route);
  if (item?.later === true) return <LaterPage label={item.label} />;
  if (item?.permission !== undefined && !can(item.permission)) {
    return (
      <>
        <PageTitle>{item.label}</PageTitle>
        <Notice kind="info">Your role ({useSession().me.role_id}) does not include this page.</Notice>
      </>
    );
  }
  const Exact = PAGES[route];
  if (Exact !== undefined) return <Exact key={route} />;
  for (const [prefix, render] of PREFIX_PAGES) {
    if (route.startsWith(prefix)) return render(decodeURIComponent(route.slice(prefix.length)));
  }
  return (
    <>
      <PageTitle>Not found</PageTitle>
      <p>
        There is no page at <code>{route}</code>. <a href={href('/')}>Back to the containers</a>.
      </p>
    </>
  );
}

/** A place kept for a page a later release adds; says so plainly. */
function LaterPage({ label }: { label: string }): JSX.Element {
  return (
    <>
      <PageTitle>{label}</PageTitle>
      <Notice kind="info">This page ({label}) is not available in the dashboard yet: its place is kept for a later release.</Notice>
    </>
  );
}
