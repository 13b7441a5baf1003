import { z } from 'zod';

/** Docker container names: what the engine accepts (no leading slash). */
export const ContainerNameParam = z.object({
  name: z
    .string()
    .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}$/, 'invalid container name'),
});

/** Queue keys: a container name, or `hostID::name` for remote containers. */
export const QueueKeyParam = z.object({
  key: z.string().regex(/^([a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}::)?[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}$/, 'invalid queue key'),
});

export const HostQuery = z.object({ host: z.string().max(128).optional() });
