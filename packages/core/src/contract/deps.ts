import { z } from 'zod';

/** Wire shapes of `/api/deps` (seed 001, "Dependencies"). */
export const DependencyNodeSchema = z.object({
  name: z.string(),
  dependencies: z.array(z.string()),
  dependents: z.array(z.string()),
});
export type DependencyNodeBody = z.infer<typeof DependencyNodeSchema>;

export const DependencyGraphSchema = z.object({
  containers: z.array(DependencyNodeSchema),
  /** Dependencies before dependents; containers in a cycle come last. */
  order: z.array(z.string()),
  has_cycles: z.boolean(),
});
export type DependencyGraphBody = z.infer<typeof DependencyGraphSchema>;
