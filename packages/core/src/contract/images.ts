import { z } from 'zod';

/** Wire shapes of the Images section of seed 001 (`/api/images`). */

/** An image id as `DELETE /api/images/{id}` takes it: `sha256:<64 hex>`, or its hex (at least 12 characters, as `docker images` shows it). */
export const ImageIdSchema = z
  .string()
  .regex(/^(sha256:)?[a-f0-9]{12,64}$/, 'must be an image id: sha256:<hex> or at least 12 lowercase hex characters');

/** One local image. */
export const ImageSchema = z.object({
  /** `sha256:<64 hex>`. */
  id: z.string(),
  repo_tags: z.array(z.string()),
  /** `repo@sha256:…`: the manifest digests the image was pulled by. */
  repo_digests: z.array(z.string()),
  /** RFC 3339. */
  created: z.string(),
  /** Bytes. */
  size: z.number(),
  /** Containers (running or not) created from it. */
  containers: z.number().int(),
  in_use: z.boolean(),
  /** No tag points at it. */
  dangling: z.boolean(),
  labels: z.record(z.string(), z.string()),
});
export type ImageBody = z.infer<typeof ImageSchema>;

/** `POST /api/images/prune`: what was removed and the bytes reclaimed. */
export const PruneImagesResponseSchema = z.object({
  status: z.literal('ok'),
  /** Ids of the images removed. */
  removed: z.array(z.string()),
  count: z.number().int(),
  space_reclaimed: z.number(),
  message: z.string(),
});
export type PruneImagesResponse = z.infer<typeof PruneImagesResponseSchema>;

/** `DELETE /api/images/{id}`. */
export const RemoveImageResponseSchema = z.object({
  status: z.literal('ok'),
  /** Full id of the removed image. */
  id: z.string(),
  message: z.string(),
});
export type RemoveImageResponse = z.infer<typeof RemoveImageResponseSchema>;
