import type { JSX } from 'preact';
import { NAVIGATION } from '../nav.js';
import { href } from '../router.js';
import { Notice, PageTitle, useSession } from '../ui.js';
import { ContainersPage } from './containers.js';
import { QueuePage } from './queue.js';
import { HistoryPage } from './history.js';
import { ActivityPage } from './activity.js';
import { LogsPage } from './logs.js';
import { SettingsPage } from './settings.js';
import { AccountPage } from './account.js';
import { UsersPage } from './users.js';
import { NotificationsPage } from './notifications.js';
import { IntegrationsPage } from './integrations.js';
import { SystemPage } from './system.js';
import { AgentKeysPage, AssetsPage, ImageInventoryPage } from './security.js';
import { CompliancePage } from './compliance.js';

/** Pages by route; a route with a parameter (`/logs/<name>`) matches its prefix. */
const PAGES: Record<string, () => JSX.Element> = {
  '/': ContainersPage,
  '/queue': QueuePage,
  '/history': HistoryPage,
  '/activity': ActivityPage,
  '/settings': SettingsPage,
  '/account': AccountPage,
  '/users': UsersPage,
  '/notifications': NotificationsPage,
  '/integrations': IntegrationsPage,
  '/system': SystemPage,
  '/security/assets': AssetsPage,
  '/security/images': ImageInventoryPage,
  '/security/compliance': CompliancePage,
  '/security/keys': AgentKeysPage,
};

const PREFIX_PAGES: Array<[string, (rest: string) => JSX.Element]> = [['/logs/', (name) => <LogsPage key={name} name={name} />]];

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
