/** One entry of the navigation: where it goes and what it needs. */
export interface NavItem {
  route: string;
  label: string;
  /** The permission that makes the page useful; without it the entry is not shown. */
  permission?: string;
  /** A place kept for a page later issues add: shown as "not available yet". */
  later?: boolean;
}

export interface NavGroup {
  label: string;
  items: NavItem[];
}

export const NAVIGATION: NavGroup[] = [
  {
    label: 'Updates',
    items: [
      { route: '/', label: 'Containers', permission: 'containers.view' },
      { route: '/queue', label: 'Queue', permission: 'containers.view' },
      { route: '/history', label: 'History', permission: 'history.view' },
      { route: '/activity', label: 'Activity', permission: 'logs.view' },
    ],
  },
  {
    label: 'Security',
    items: [
      { route: '/security/assets', label: 'Assets & CVEs', permission: 'containers.view' },
      { route: '/security/images', label: 'Image inventory', permission: 'containers.view' },
      { route: '/security/compliance', label: 'Audits & compliance', permission: 'settings.view' },
      { route: '/security/keys', label: 'Agent keys', permission: 'settings.view' },
    ],
  },
  {
    label: 'Configure',
    items: [
      { route: '/settings', label: 'Settings', permission: 'settings.view' },
      { route: '/notifications', label: 'Notifications', permission: 'settings.view' },
      { route: '/integrations', label: 'Registries & hooks', permission: 'settings.view' },
      { route: '/system', label: 'Backup & about', permission: 'settings.view' },
      { route: '/users', label: 'Users', permission: 'users.manage' },
      { route: '/account', label: 'My account' },
    ],
  },
  {
    label: 'Fleet',
    items: [
      { route: '/later/hosts', label: 'Hosts', later: true },
      { route: '/later/services', label: 'Swarm services', later: true },
      { route: '/later/connectors', label: 'Connectors', later: true },
      { route: '/later/edr', label: 'EDR', later: true },
    ],
  },
];
