import { z } from 'zod';

/** Wire shapes of `/api/hooks/{container}` (seed 001, "Hooks"). */
export const HookPhaseSchema = z.enum(['pre-update', 'post-update']);
export type HookPhaseName = z.infer<typeof HookPhaseSchema>;

export const HookBodySchema = z
  .object({
    phase: HookPhaseSchema,
    /** argv run inside the container; a shell command is `["sh", "-c", "…"]`. */
    command: z.array(z.string().min(1).max(8192)).min(1).max(64),
    /** Seconds before the command is abandoned. @default 60 */
    timeout: z.number().int().min(1).max(3600).optional(),
  })
  .strict();
export type HookBody = z.infer<typeof HookBodySchema>;

/** What `POST /api/hooks/{container}` answers: the hook as stored. */
export const HookSchema = z.object({
  container_name: z.string(),
  phase: HookPhaseSchema,
  command: z.array(z.string()),
  timeout: z.number().int(),
});
export type HookBodyResponse = z.infer<typeof HookSchema>;

/** A hook as listed: `source` says whether the API or a `sentinel.hook.*` label defines it. */
export const ListedHookSchema = HookSchema.extend({ source: z.enum(['api', 'label']) });
export type ListedHook = z.infer<typeof ListedHookSchema>;

export const HookListSchema = z.array(ListedHookSchema);
