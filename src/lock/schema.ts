import { z } from 'zod';

const scalar = z.union([z.string(), z.number(), z.boolean()]);

// The facts a plan's choices depend on, as the locked box had them.
export const lockBoxSchema = z.strictObject({
  os: z.string().meta({ description: 'os id and version, e.g. "ubuntu 22.04"' }),
  codename: z.string(),
  arch: z.string(),
  gpu: z.string().meta({ description: 'the GPUs\' names, "" for none' }),
  driver: z.string().meta({ description: 'the NVIDIA driver version, "" for none' }),
  compute: z.string().meta({ description: 'the lowest compute capability of the GPUs, "" for none' }),
  cuda: z.string().meta({ description: 'the CUDA toolkit the box had, "" for none' }),
  python3: z.string(),
});

// A lock file (rig lock): what the recipes of a plan resolved to on one box, sorted, with no timestamp.
export const lockSchema = z.strictObject({
  version: z.literal(1),
  box: lockBoxSchema,
  recipes: z.record(z.string(), z.strictObject({
    params: z.record(z.string(), scalar).optional().meta({ description: 'the params it was planned with (secrets left out)' }),
    vars: z.record(z.string(), z.string()).optional().meta({ description: 'what its derive chose on that box' }),
  })).meta({ description: 'each recipe instance of the plan, by its id' }),
  apt: z.record(z.string(), z.strictObject({ version: z.string(), arch: z.string() })).optional().meta({ description: 'package → the version dpkg has installed' }),
  pip: z.record(z.string(), z.record(z.string(), z.string())).optional().meta({ description: 'interpreter → distribution → version: every distribution pip installed for that interpreter' }),
  downloads: z.record(z.string(), z.strictObject({ sha256: z.string().optional(), sha512: z.string().optional(), md5: z.string().optional() })).optional().meta({ description: 'URL as the recipe gives it (no mirror) → its digest' }),
  git: z.record(z.string(), z.strictObject({ url: z.string(), commit: z.string() })).optional().meta({ description: 'clone folder → the repository (no mirror) and the commit checked out' }),
});

// A lock file.
export type Lock = z.infer<typeof lockSchema>;

// The JSON Schema of lock files (rig schema --lock).
export function lockJsonSchema(): object {
  return z.toJSONSchema(lockSchema, { io: 'input' });
}
