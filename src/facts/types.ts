import { z } from 'zod';

const gpuSchema = z.strictObject({
  count: z.number().int().nonnegative(),
  names: z.string(),
  driver: z.string(),
  // compute: the lowest compute capability of the GPUs ("6.1"), '' when unknown.
  compute: z.string(),
});

// What the target machine is, gathered on the target in one round trip (the shape of `rig facts --json` too).
export const factsSchema = z.strictObject({
  os: z.strictObject({ id: z.string(), version: z.string(), codename: z.string(), like: z.string(), name: z.string() }),
  arch: z.string(),
  debArch: z.string(),
  cpus: z.number().int().positive(),
  memoryMb: z.number().nonnegative(),
  user: z.string(),
  home: z.string(),
  root: z.boolean(),
  sudo: z.boolean(),
  container: z.boolean(),
  gpu: gpuSchema,
  cuda: z.string(),
  python3: z.string(),
  envDir: z.string(),
  stateDir: z.string(),
});

// What the target machine is.
export type Facts = z.infer<typeof factsSchema>;

// Facts as a file may hold them: recorded before rig knew a GPU's compute capability, the field may be missing.
export const recordedFactsSchema = factsSchema.extend({ gpu: gpuSchema.extend({ compute: z.string().optional() }) });

// Facts as read from a file.
export type RecordedFacts = z.infer<typeof recordedFactsSchema>;

// Dotted names of every fact, as recipes write them in templates: facts.os.codename
export const FACT_PATHS: readonly string[] = Object.entries(factsSchema.shape).flatMap(([key, value]) =>
  value instanceof z.ZodObject ? Object.keys(value.shape).map((sub) => `${key}.${sub}`) : [key],
);
