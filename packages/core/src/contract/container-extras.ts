import { z } from 'zod';

/** Wire shapes of the dashboard row (`GET /api/containers/{name}/row`) and Port Configuration (seed 001). */

/** `GET /api/containers/{name}/row`: the dashboard row as an HTML fragment, plus the stat-card counts, for SSE row refreshes. */
export const ContainerRowResponseSchema = z.object({
  name: z.string(),
  /** One `<tr>…</tr>`; every value in it is HTML-escaped. */
  html: z.string(),
  /** Same counts as `GET /api/stats`. */
  stats: z.object({ total: z.number().int(), running: z.number().int(), pending: z.number().int() }),
});
export type ContainerRowResponse = z.infer<typeof ContainerRowResponseSchema>;

/** A port number in a path: decimal 1-65535, no sign, no leading zero. */
export const PortSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,4}$/, 'port must be a number from 1 to 65535')
  .refine((s) => Number(s) <= 65535, 'port must be a number from 1 to 65535');

/** `POST /api/containers/{name}/port-config/{port}`: the URL the dashboard's port chip links to. */
export const PortConfigBodySchema = z
  .object({
    /** An absolute http(s) URL without credentials, at most 2048 characters. */
    url: z.string().min(1).max(2048),
  })
  .strict();
export type PortConfigBody = z.infer<typeof PortConfigBodySchema>;

export const PortOverrideSchema = z.object({ port: z.number().int(), url: z.string() });
export type PortOverride = z.infer<typeof PortOverrideSchema>;

/** `GET /api/containers/{name}/port-config`: overrides ordered by port. */
export const PortConfigResponseSchema = z.object({
  container_name: z.string(),
  ports: z.array(PortOverrideSchema),
});
export type PortConfigResponse = z.infer<typeof PortConfigResponseSchema>;

/** `POST` and `DELETE /api/containers/{name}/port-config/{port}`. */
export const PortConfigChangeResponseSchema = z.object({
  status: z.literal('ok'),
  container_name: z.string(),
  port: z.number().int(),
  /** The URL now set; absent after a removal. */
  url: z.string().optional(),
  message: z.string(),
});
export type PortConfigChangeResponse = z.infer<typeof PortConfigChangeResponseSchema>;
