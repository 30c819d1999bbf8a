import { z } from 'zod';

const name = z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'a name is lowercase letters, digits, ".", "_" or "-"');
const scalar = z.union([z.string(), z.number(), z.boolean()]);
const oneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item)]);

// A typed input of a recipe; `type` defaults to the type of `default` (or enum when `values` is given).
export const paramSchema = z
  .strictObject({
    type: z.enum(['string', 'enum', 'bool', 'int']).optional(),
    default: scalar.optional(),
    values: z.array(z.string()).min(1).optional(),
    secret: z.boolean().optional(),
    description: z.string().optional(),
  })
  .meta({ description: 'A typed input with a default; set with --set recipe.param=value' });

// Matchers on the target's facts (and on params); every given field must match.
export const whenSchema = z
  .strictObject({
    os: oneOrMany(z.string()).optional().meta({ description: 'os id: ubuntu, debian, …' }),
    version: z.string().optional().meta({ description: 'os version range, e.g. ">=22.04"' }),
    codename: oneOrMany(z.string()).optional(),
    arch: oneOrMany(z.string()).optional().meta({ description: 'x86_64, aarch64' }),
    gpu: z.boolean().optional().meta({ description: 'an NVIDIA GPU is present' }),
    driver: z.string().optional().meta({ description: 'NVIDIA driver version range, e.g. ">=550.54.14"' }),
    cuda: z.string().optional().meta({ description: 'CUDA toolkit version range' }),
    python: z.string().optional().meta({ description: 'python3 version range' }),
    container: z.boolean().optional(),
    root: z.boolean().optional(),
    params: z.record(z.string(), oneOrMany(scalar)).optional().meta({ description: 'param name → value(s)' }),
    nonempty: oneOrMany(z.string()).optional().meta({ description: 'templates that must render to a non-empty value, e.g. "{{ mirror.goproxy }}"' }),
  })
  .meta({ description: 'Run only where every matcher holds' });

// A read-only command whose output tells the installed version.
// One of run (a command), dpkg (a Debian package) or pip (Python distributions): dpkg and pip checks of a plan are
// answered by one dpkg-query, and one Python per interpreter.
export const checkSchema = z.strictObject({
  run: z.string().optional().meta({ description: 'read-only shell command; exit 0 means installed' }),
  dpkg: z.string().optional().meta({ description: 'a Debian package: installed, at its upstream version' }),
  pip: z.union([z.string(), z.array(z.string()).min(1)]).optional().meta({ description: 'Python distributions: all installed, at the first one\'s version' }),
  python: z.string().optional().meta({ description: 'with pip: the interpreter (default python3)' }),
  venv: z.string().optional().meta({ description: 'with pip: a virtualenv, whose bin/python is asked' }),
  version: z.string().optional().meta({ description: 'with run: regex with a (?<version>…) group applied to the output, and optionally an (?<at>…) group saying where it was found' }),
  wants: z.string().optional().meta({ description: 'exact version or semver-style range, e.g. ">=3.20"' }),
});

const stepCommon = {
  name: z.string().optional().meta({ description: 'title shown while the step runs' }),
  when: whenSchema.optional(),
  root: z.boolean().optional().meta({ description: 'needs root (sudo when not root)' }),
  timeout: z.number().positive().optional().meta({ description: 'seconds' }),
  retries: z.number().int().min(0).optional(),
};

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');

type EnvMap = Record<string, unknown> | undefined;

// Refuses, in one issue at the first of them, variables of these mappings (each at its key path) that are rig's own:
// RIG_FILE, RIG_DIGEST, RIG_SECRET_*, and the rig_* variables of its scripts, which a recipe's variable would replace.
function refuseRigNames(ctx: z.RefinementCtx, ...maps: [string[], EnvMap][]): void {
  const own = maps.flatMap(([path, map]) => Object.keys(map ?? {}).filter((n) => /^rig_/i.test(n)).map((n) => [...path, n]));
  if (own.length) ctx.addIssue({ code: 'custom', path: own[0]!, message: `${own.map((p) => p.at(-1)).join(', ')} ${own.length > 1 ? 'are' : 'is'} rig's own: names that begin with RIG_ or rig_ are reserved` });
}

const aptStep = z.strictObject({
  apt: z.array(z.string()).min(1).meta({ description: 'Debian/Ubuntu packages; only missing ones are installed' }),
  update: z.enum(['auto', 'always', 'never']).optional(),
  ...stepCommon,
});

const pipStep = z.strictObject({
  pip: z.array(z.string()).min(1).meta({ description: 'requirements, e.g. "torch==2.3.0"' }),
  python: z.string().optional().meta({ description: 'interpreter (default python3)' }),
  venv: z.string().optional().meta({ description: 'virtualenv directory, created when missing' }),
  index: z.string().optional().meta({ description: 'index URL (--index-url); empty means the default one (the --mirror pip index when given)' }),
  extraIndex: z.array(z.string()).optional(),
  findLinks: z.array(z.string()).optional(),
  args: z.array(z.string()).optional().meta({ description: 'extra pip install arguments' }),
  ...stepCommon,
});

// The digests a download may be verified with, strongest first.
export const DIGEST_ALGOS = ['sha256', 'sha512', 'md5'] as const;

// One of DIGEST_ALGOS.
export type DigestAlgo = (typeof DIGEST_ALGOS)[number];

// `digits` hex digits, or one line with a template in it: what the JSON Schema's pattern says, tested in linear time
// (that pattern backtracks quadratically on a long value).
const isDigestText = (digits: number) => (text: string) =>
  (text.length === digits && /^[0-9a-f]+$/i.test(text)) || (!/[\n\r\u2028\u2029]/.test(text) && text.indexOf('{{') >= 0 && text.lastIndexOf('}}') >= text.indexOf('{{') + 3);
const hexDigest = (name: string, digits: number) =>
  z.union([
    z.string().refine(isDigestText(digits), `${name} is ${digits} hex digits (or a template)`).meta({ pattern: `^([0-9a-f]{${digits}}|.*\\{\\{.+\\}\\}.*)$` }),
    z.strictObject({ from: z.string().meta({ description: 'URL of a checksum file listing this file' }) }),
  ]);
const downloadStep = z.strictObject({
  download: z.string().meta({ description: 'URL' }),
  sha256: hexDigest('sha256', 64).optional(),
  sha512: hexDigest('sha512', 128).optional().meta({ description: 'for publishers that give sha512 sums (Elastic, Apache)' }),
  md5: hexDigest('md5', 32).optional().meta({ description: 'for publishers that give only md5 sums (NVIDIA\'s CUDA installers)' }),
  insecure: z.boolean().optional().meta({ description: 'allow a download without a digest' }),
  to: z.string().optional().meta({ description: 'destination file' }),
  extract: z.string().optional().meta({ description: 'directory to unpack the archive into' }),
  strip: z.number().int().min(0).optional(),
  mode: z.string().regex(/^0?[0-7]{3,4}$/).optional(),
  ...stepCommon,
});

const fileStep = z.strictObject({
  file: z.string().meta({ description: 'path' }),
  content: z.string().optional(),
  line: z.string().refine((line) => !/[\r\n]/.test(line), 'a line has no line break (write a block with content)').optional().meta({ description: 'a line the file must contain' }),
  mode: z.string().regex(/^0?[0-7]{3,4}$/, 'mode is octal, e.g. "0644"').optional(),
  ...stepCommon,
});

const envStep = z.strictObject({
  env: z.strictObject({
    path: z.array(z.string()).optional().meta({ description: 'directories put in front of PATH' }),
    prepend: z.record(envName, z.array(z.string())).optional().meta({ description: 'directories put in front of other path lists, e.g. LD_LIBRARY_PATH' }),
    vars: z.record(envName, z.string()).optional(),
  }).superRefine((env, ctx) => refuseRigNames(ctx, [['prepend'], env.prepend], [['vars'], env.vars])),
  ...stepCommon,
});

const gitStep = z.strictObject({
  git: z.string().meta({ description: 'repository URL' }),
  dir: z.string(),
  ref: z.string().optional().meta({ description: 'branch, tag or commit' }),
  recursive: z.boolean().optional(),
  depth: z.number().int().positive().optional(),
  ...stepCommon,
});

const runStep = z.strictObject({
  run: z.string().meta({ description: 'shell command (bash)' }),
  creates: z.string().optional().meta({ description: 'skip when this path exists' }),
  secretOutput: z.string().optional().meta({ description: 'the command prints a secret: its output goes only to this file (mode 0600), never to the terminal or logs' }),
  unless: z.string().optional().meta({ description: 'skip when this command succeeds' }),
  cwd: z.string().optional(),
  environment: z.record(envName, z.string()).superRefine((vars, ctx) => refuseRigNames(ctx, [[], vars])).optional(),
  ...stepCommon,
});

// Each step kind, by the key that names it.
export const stepSchemas = {
  apt: aptStep,
  pip: pipStep,
  download: downloadStep,
  file: fileStep,
  env: envStep,
  git: gitStep,
  run: runStep,
} as const;

// The name of a step kind (the key that names it in YAML).
export type StepKind = keyof typeof stepSchemas;

// The kind names, in the order the docs list them.
export const STEP_KINDS = Object.keys(stepSchemas) as StepKind[];

// A step as written, whichever its kind.
export const stepSchema = z.union([aptStep, pipStep, downloadStep, fileStep, envStep, gitStep, runStep]);

const requireSchema = z.union([
  name,
  z.strictObject({ recipe: name, with: z.record(z.string(), scalar).optional() }),
]);

const verifySchema = z.union([
  z.string(),
  z.strictObject({
    run: z.string(),
    expect: z.string().optional().meta({ description: 'regex the output must match' }),
    when: whenSchema.optional().meta({ description: 'verify only where these matchers hold, e.g. { gpu: true } for one that needs a real GPU' }),
  }),
]);

// A value computed at plan time by a built-in deriver from data files, facts and params; read as vars.<name>.
export const deriveSchema = z.strictObject({
  use: z.enum(['table', 'torch-variant', 'torch-release', 'torch-index', 'mirror', 'cuda-release']).meta({
    description: 'table: a field of the row of a data table whose fields equal `where` (`default` for none; with `join: ", "`, that field of every such row, joined); torch-variant: the wheel variant (cpu, cuXXX) for this machine; torch-release: the torch version (auto: the newest that fits; one set by hand without wheels for the Python blocks, naming that one); torch-index: the index of a torch variant; mirror: a value of a mirror profile, or a URL rewritten through the --mirror one; cuda-release: the CUDA toolkit release (auto: the newest this driver and GPU run)',
  }),
  with: z.record(z.string(), z.union([z.string(), z.record(z.string(), z.string())])).meta({ description: 'the deriver\'s arguments (templates allowed)' }),
});

// A condition that must hold before the recipe may run; otherwise the plan refuses with `say`.
export const assertSchema = whenSchema.extend({
  say: z.string().meta({ description: 'why it cannot run (templates allowed)' }),
  when: whenSchema.optional().meta({ description: 'check this assert only where these matchers hold' }),
});

// Facts this recipe leaves on the box; later recipes of a plan are decided with them where the box lacks the fact.
export const providesSchema = z
  .strictObject({
    python3: z.string().optional().meta({ description: 'the python3 version it installs, e.g. "{{ vars.python }}"' }),
    cuda: z.string().optional().meta({ description: 'the CUDA toolkit version it installs' }),
  })
  .meta({ description: 'facts the recipe leaves for the recipes after it (templates allowed); used where the box lacks them' });

// A whole recipe file.
export const recipeSchema = z
  .strictObject({
    name,
    summary: z.string(),
    params: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'a param name is lowercase letters, digits and "_"'), paramSchema).optional(),
    requires: z.array(requireSchema).optional(),
    when: whenSchema.optional(),
    derive: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'a var name is lowercase letters, digits and "_"'), deriveSchema).optional(),
    assert: z.array(assertSchema).optional(),
    check: checkSchema.optional(),
    service: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9@._-]*$/, 'a service name is letters, digits, "@", ".", "_" or "-"').optional().meta({
      description: 'the service the recipe starts (systemd unit or init script): its check also reads its state, and a stopped one makes the recipe need its steps',
    }),
    provides: providesSchema.optional(),
    locks: z.string().optional().meta({
      description: 'the param that picks a moving version (a toolchain channel such as "stable"): rig lock records the version its check found as that param, so a replay installs that version',
    }),
    steps: z.array(stepSchema).optional(),
    verify: z.array(verifySchema).optional(),
    hints: z.array(z.strictObject({ match: z.string(), say: z.string() })).optional(),
  })
  .meta({ title: 'rig recipe', description: 'One installable thing: how to check it and how to install it' });

// Types of the recipe as written in YAML.
export type RecipeInput = z.infer<typeof recipeSchema>;
export type ParamInput = z.infer<typeof paramSchema>;
export type WhenInput = z.infer<typeof whenSchema>;
export type DeriveInput = z.infer<typeof deriveSchema>;
export type AssertInput = z.infer<typeof assertSchema>;
export type CheckInput = z.infer<typeof checkSchema>;
export type ProvidesInput = z.infer<typeof providesSchema>;
export type StepInput = z.infer<typeof stepSchema>;
export type Scalar = z.infer<typeof scalar>;
export type StepSpec<K extends StepKind> = z.infer<(typeof stepSchemas)[K]>;
