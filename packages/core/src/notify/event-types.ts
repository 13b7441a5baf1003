import { NOTIFICATION_EVENT_TYPES } from '../contract/notify.js';
import type { NotificationEventType, NotificationEventTypeInfo } from '../contract/notify.js';

/** How a notification reads: channels map it to their colours, priorities and tags. */
export type NotificationSeverity = 'info' | 'success' | 'warning' | 'failure';

interface EventTypeDefinition {
  label: string;
  description: string;
  severity: NotificationSeverity;
  /** Title of the notification; not templated so that every channel's subject line stays recognisable. */
  title(containerName: string): string;
  /** Built-in body template, in the same syntax a custom template uses. */
  template: string;
}

export const EVENT_TYPE_DEFINITIONS: Readonly<Record<NotificationEventType, EventTypeDefinition>> = {
  update_available: {
    label: 'Update available',
    description: 'A newer image was found for a container (announced according to the container’s notification mode).',
    severity: 'info',
    title: (name) => `Update available: ${name}`,
    template: 'Update available for {{.ContainerName}}: {{.OldImage}} → {{.NewImage}}{{if .NewerVersions}}\nNewer versions: {{.NewerVersions}}{{end}}',
  },
  update_started: {
    label: 'Update started',
    description: 'Sentinel started updating a container.',
    severity: 'info',
    title: (name) => `Updating ${name}`,
    template: 'Updating {{.ContainerName}} from {{.OldImage}} to {{.NewImage}}',
  },
  update_succeeded: {
    label: 'Update succeeded',
    description: 'A container runs the new image and passed the health check.',
    severity: 'success',
    title: (name) => `Updated: ${name}`,
    template: '{{.ContainerName}} updated from {{.OldImage}} to {{.NewImage}}',
  },
  update_failed: {
    label: 'Update failed',
    description: 'An update failed (pull, recreate, or the previous container could not be restored).',
    severity: 'failure',
    title: (name) => `Update failed: ${name}`,
    template: 'Update of {{.ContainerName}}{{if .NewImage}} to {{.NewImage}}{{end}} failed: {{.Error}}',
  },
  update_rolled_back: {
    label: 'Update rolled back',
    description: 'The new container failed its health check and the previous one was restored.',
    severity: 'warning',
    title: (name) => `Update rolled back: ${name}`,
    template: 'Update of {{.ContainerName}} to {{.NewImage}} failed and was rolled back to {{.OldImage}}: {{.Error}}',
  },
  rollback_succeeded: {
    label: 'Rollback succeeded',
    description: 'A requested rollback restored a container from its snapshot.',
    severity: 'success',
    title: (name) => `Rolled back: ${name}`,
    template: '{{.ContainerName}} rolled back from {{.OldImage}} to {{.NewImage}}',
  },
  rollback_failed: {
    label: 'Rollback failed',
    description: 'A requested rollback failed.',
    severity: 'failure',
    title: (name) => `Rollback failed: ${name}`,
    template: 'Rollback of {{.ContainerName}} failed: {{.Error}}',
  },
  check_failed: {
    label: 'Registry check failed',
    description: 'A container’s registry check failed (announced once until the check succeeds again).',
    severity: 'warning',
    title: (name) => `Check failed: ${name}`,
    template: 'Registry check failed for {{.ContainerName}}: {{.Error}}',
  },
  digest: {
    label: 'Digest',
    description: 'The periodic summary of pending updates.',
    severity: 'info',
    title: () => 'Sentinel digest: pending updates',
    template: '{{.Count}} pending update(s){{if .HostName}} on {{.HostName}}{{end}}:\n{{.Updates}}',
  },
};

/** The event types, in a stable order, for `GET …/event-types`. */
export function notificationEventTypes(): NotificationEventTypeInfo[] {
  return NOTIFICATION_EVENT_TYPES.map((type) => ({ type, label: EVENT_TYPE_DEFINITIONS[type].label, description: EVENT_TYPE_DEFINITIONS[type].description }));
}
