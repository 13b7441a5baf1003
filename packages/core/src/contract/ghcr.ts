import { z } from 'zod';

/**
 * Wire shapes of GHCR alternatives (seed 001: `GET /api/containers/{name}/ghcr`,
 * `GET /api/ghcr/alternatives`): whether a Docker Hub image is also published
 * on ghcr.io, found through its `org.opencontainers.image.source` label.
 */

/** The check of one Docker Hub image. */
export const GhcrCheckSchema = z.object({
  /** The Docker Hub reference checked, as the container names it. */
  image: z.string(),
  available: z.boolean(),
  /** The ghcr.io reference with the same tag, when `available`. */
  ghcr_image: z.string().nullable(),
  /** The GitHub repository from the image's source label, when it has one. */
  source: z.string().nullable(),
  /** Whether ghcr.io serves the very same manifest digest; `null` when unknown. */
  same_digest: z.boolean().nullable(),
  /** Why no alternative is offered, when `available` is false. */
  reason: z.string().nullable(),
  checked_at: z.string(),
});
export type GhcrCheck = z.infer<typeof GhcrCheckSchema>;

/** `GET /api/containers/{name}/ghcr`. */
export const ContainerGhcrResponseSchema = GhcrCheckSchema.extend({ container_name: z.string() });
export type ContainerGhcrResponse = z.infer<typeof ContainerGhcrResponseSchema>;

/** One entry of `GET /api/ghcr/alternatives`: a container whose Docker Hub image is on ghcr.io too. */
export const GhcrAlternativeSchema = z.object({
  container_name: z.string(),
  image: z.string(),
  ghcr_image: z.string(),
  source: z.string().nullable(),
  same_digest: z.boolean().nullable(),
  checked_at: z.string(),
});
export type GhcrAlternative = z.infer<typeof GhcrAlternativeSchema>;

/** `GET /api/ghcr/alternatives`: cached results; `refreshing` is true while a background check runs. */
export const GhcrAlternativesResponseSchema = z.object({
  alternatives: z.array(GhcrAlternativeSchema),
  refreshing: z.boolean(),
  /** When the newest cached result was checked; `null` before the first check. */
  checked_at: z.string().nullable(),
});
export type GhcrAlternativesResponse = z.infer<typeof GhcrAlternativesResponseSchema>;
