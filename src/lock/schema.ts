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

const SHA256 = /^[0-9a-f]{64}$/;

// One distribution pip installed, as a lock records it.
const lockedDistribution = z.strictObject({
  version: z.string().min(1),
  requires: z.array(z.string()).optional().meta({ description: 'the distributions of this interpreter it requires' }),
  sha256: z.array(z.string().regex(SHA256, 'a sha256 is 64 hex digits')).optional().meta({ description: 'the digests of the files the index has of this version; a replay installs one of them' }),
});

// A lock file (rig lock): what the recipes of a plan resolved to on one box, sorted, with no timestamp.
export const lockSchema = z.strictObject({
  version: z.literal(1),
  request: z.array(z.string()).min(1).meta({ description: 'the recipes rig lock was asked for: rig apply --locked FILE replays them with the params below' }),
  box: lockBoxSchema,
  recipes: z.record(z.string(), z.strictObject({
    params: z.record(z.string(), scalar).optional().meta({ description: 'the params it was planned with (secrets left out)' }),
    vars: z.record(z.string(), z.string()).optional().meta({ description: 'what its derive chose on that box' }),
    found: z.string().optional().meta({ description: 'the version its check found' }),
  })).meta({ description: 'each recipe instance of the plan, by its id' }),
  apt: z.record(z.string(), z.strictObject({
    version: z.string().min(1),
    arch: z.string(),
    requires: z.array(z.string()).optional().meta({ description: 'the packages of this lock it depends on (or on what they provide)' }),
    from: z.array(z.string()).optional().meta({ description: 'the archives that offered this version, as their Release files name them (whatever mirror served them): origin codename/component, e.g. "Ubuntu jammy-updates/main"' }),
  })).optional().meta({ description: 'package → the version dpkg has installed: each package the steps name and every package they need' }),
  pip: z.record(z.string(), z.record(z.string(), lockedDistribution)).optional().meta({ description: 'interpreter → distribution (its PEP 503 name) → what is installed: every distribution pip installed for that interpreter' }),
  downloads: z.record(z.string(), z.strictObject({ sha256: z.string().regex(SHA256).optional(), sha512: z.string().regex(/^[0-9a-f]{128}$/).optional(), md5: z.string().regex(/^[0-9a-f]{32}$/).optional() })).optional().meta({ description: 'URL as the recipe gives it (no mirror) → its digest' }),
  git: z.record(z.string(), z.strictObject({ url: z.string(), commit: z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/, 'a commit is 40 (or 64) hex digits') })).optional().meta({ description: 'clone folder → the repository (no mirror) and the commit checked out' }),
});

// A lock file.
export type Lock = z.infer<typeof lockSchema>;

// The JSON Schema of lock files (rig schema --lock).
export function lockJsonSchema(): object {
  return z.toJSONSchema(lockSchema, { io: 'input' });
}
