import { basename, extname } from 'node:path';
import { UserError, UserErrors } from '../errors.js';
import { readRegularFile } from '../read-file.js';
import { didYouMean } from '../text/suggest.js';
import { parseWants, WantsError } from '../version/wants.js';
import { checkParams } from './check-params.js';
import { checkPipes } from './check-pipes.js';
import { checkTemplates } from './check-templates.js';
import type { Param, Recipe, Requirement, Step } from './model.js';
import { parseYaml } from '../yaml/parse-yaml.js';
import { compileRegex, groupsOf } from './regex.js';
import { DIGEST_ALGOS, recipeSchema, STEP_KINDS, type RecipeInput, type StepInput, type WhenInput } from './schema.js';
import type { KeyPath } from '../yaml/source.js';
import { hasPlaceholders } from './template.js';
import { zodErrors } from './zod-errors.js';

type At = (path: KeyPath) => string;

const PATH_KEYS = ['file', 'to', 'extract', 'dir', 'venv', 'cwd', 'creates', 'secretOutput'];

function pathText(path: KeyPath): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i ? `.${k}` : k)).join('');
}

function checkWants(text: string, path: KeyPath, at: At, errors: UserError[]): void {
  if (hasPlaceholders(text)) return;
  try {
    parseWants(text);
  } catch (err) {
    if (!(err instanceof WantsError)) throw err;
    errors.push(new UserError(`${pathText(path)}: bad version range: ${err.message}`, at(path)));
  }
}

function checkWhen(when: WhenInput | undefined, path: KeyPath, params: Record<string, Param>, at: At, errors: UserError[]): void {
  if (!when) return;
  for (const key of ['version', 'driver', 'cuda', 'python'] as const) {
    if (when[key] !== undefined) checkWants(when[key], [...path, key], at, errors);
  }
  for (const name of Object.keys(when.params ?? {})) {
    if (!(name in params)) errors.push(new UserError(`${pathText([...path, 'params', name])}: unknown param "${name}"${didYouMean(name, Object.keys(params))}`, at([...path, 'params', name])));
  }
}

function stepKindOf(raw: unknown, path: KeyPath, at: At, errors: UserError[]): boolean {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return true;
  const keys = Object.keys(raw);
  const kinds = keys.filter((k) => (STEP_KINDS as string[]).includes(k));
  if (kinds.length === 1) return true;
  if (kinds.length > 1) errors.push(new UserError(`${pathText(path)}: a step has one kind, found ${kinds.join(' and ')}`, at(path)));
  else {
    const guess = keys.map((k) => didYouMean(k, STEP_KINDS)).find(Boolean) ?? '';
    errors.push(new UserError(`${pathText(path)}: a step needs one of ${STEP_KINDS.join(', ')}${guess}`, at(path)));
  }
  return false;
}

function toStep(spec: StepInput, index: number, at: At, params: Record<string, Param>, errors: UserError[], warnings: string[]): Step {
  const kind = STEP_KINDS.find((k) => k in spec)!;
  const path = ['steps', index];
  const where = at(path);
  const fail = (message: string, key?: string) => errors.push(new UserError(`${pathText(key ? [...path, key] : path)}: ${message}`, at(key ? [...path, key] : path)));
  checkWhen(spec.when, [...path, 'when'], params, at, errors);
  if ('download' in spec) {
    if ((spec.to === undefined) === (spec.extract === undefined)) fail('a download needs exactly one of "to" (a file) or "extract" (a directory)');
    if (spec.strip !== undefined && spec.extract === undefined) fail('"strip" only applies with "extract"', 'strip');
    const digests = DIGEST_ALGOS.filter((algo) => spec[algo] !== undefined);
    if (digests.length > 1) fail(`a download takes one digest, found ${digests.join(' and ')}`);
    if (digests.length === 0 && !spec.insecure) fail('a download needs sha256 (a digest, or { from: URL of a checksum file }; sha512 or md5 when that is all the publisher gives); write insecure: true to allow an unverified download');
    if (digests.length === 0 && spec.insecure) warnings.push(`${where}: warning: ${pathText(path)}: download is not verified (insecure: true)`);
  }
  if ('file' in spec && (spec.content === undefined) === (spec.line === undefined)) fail('a file step needs exactly one of "content" or "line"');
  for (const key of PATH_KEYS) {
    const value = (spec as Record<string, unknown>)[key];
    if (typeof value === 'string' && !hasPlaceholders(value) && !/^(\/|~\/|~$)/.test(value)) fail(`"${value}" must be an absolute path (or start with ~/)`, key);
  }
  if ('env' in spec && !spec.env.path?.length && !Object.keys({ ...spec.env.prepend, ...spec.env.vars }).length) fail('an env step needs "path", "prepend" or "vars"', 'env');
  if ('run' in spec && spec.creates === undefined && spec.unless === undefined) {
    warnings.push(`${where}: warning: ${pathText(path)}: run step has no guard (creates: or unless:), so it runs again whenever the recipe is applied`);
  }
  return { kind, spec, index, where } as Step;
}

// The model of a recipe's check, collecting what is wrong with it.
function toCheck(input: RecipeInput['check'], at: At, errors: UserError[]): Recipe['check'] {
  if (!input) return undefined;
  const check: NonNullable<Recipe['check']> = { ...input, where: at(['check']) };
  const kinds = (['run', 'dpkg', 'pip'] as const).filter((k) => input[k] !== undefined);
  if (kinds.length !== 1) errors.push(new UserError(`check: needs exactly one of run, dpkg or pip${kinds.length ? `, found ${kinds.join(' and ')}` : ''}`, at(['check'])));
  if (input.pip === undefined && (input.python !== undefined || input.venv !== undefined)) errors.push(new UserError('check: python and venv go with pip', at(['check'])));
  if (input.run === undefined && input.version !== undefined) errors.push(new UserError('check.version: only a run check needs a version regex; dpkg and pip checks read the version themselves', at(['check', 'version'])));
  if (input.version !== undefined) {
    const pattern = compileRegex(input.version, ['check', 'version'], at, errors);
    const groups = pattern && groupsOf(pattern);
    // Several groups and none named version: which one is the version? (One group is it; none, the whole match.)
    if (groups && groups.count > 1 && !groups.names.includes('version')) {
      errors.push(new UserError(`check.version: ${groups.count} groups and none named version: write (?<version>…) around the version, and (?:…) for the other groups`, at(['check', 'version'])));
    }
    if (pattern) check.pattern = pattern;
  }
  if (input.wants !== undefined) checkWants(input.wants, ['check', 'wants'], at, errors);
  return check;
}

function toRequirement(raw: NonNullable<RecipeInput['requires']>[number], index: number, at: At): Requirement {
  const where = at(['requires', index]);
  return typeof raw === 'string' ? { recipe: raw, with: {}, where } : { recipe: raw.recipe, with: raw.with ?? {}, where };
}

// Build the recipe model from validated input, collecting every semantic error.
function toRecipe(input: RecipeInput, file: string, at: At): Recipe {
  const errors: UserError[] = [];
  const warnings: string[] = [];
  const expected = basename(file, extname(file));
  if (input.name !== expected) errors.push(new UserError(`name: "${input.name}" must match the file name "${expected}"`, at(['name'])));
  const params = checkParams(input, at, errors);
  checkWhen(input.when, ['when'], params, at, errors);
  (input.assert ?? []).forEach((a, i) => {
    checkWhen(a, ['assert', i], params, at, errors);
    checkWhen(a.when, ['assert', i, 'when'], params, at, errors);
  });
  checkTemplates(input, params, Object.keys(input.derive ?? {}), at, errors);
  const check = toCheck(input.check, at, errors);
  if (input.locks !== undefined && (!params[input.locks] || !check?.version)) {
    errors.push(new UserError(`locks: ${params[input.locks] ? 'needs a check with a version regex, whose version the lock records' : `"${input.locks}" is not a param of this recipe`}`, at(['locks'])));
  }
  if (input.service !== undefined && check?.run === undefined) errors.push(new UserError('service: needs a check with run, after which the service\'s state is read', at(['service'])));
  const steps = (input.steps ?? []).map((s, i) => toStep(s, i, at, params, errors, warnings));
  warnings.push(...checkPipes(input, at));
  const envSteps = steps.filter((s) => s.kind === 'env');
  if (envSteps.length > 1) errors.push(new UserError(`steps[${envSteps[1]!.index}]: one env step per recipe (it owns one profile file); merge them`, envSteps[1]!.where));
  if (steps.length && !check) warnings.push(`${at([])}: warning: recipe has steps but no check; rig decides from the step guards alone`);
  const verify = (input.verify ?? []).map((v, i) => {
    const spec = typeof v === 'string' ? { run: v } : v;
    const expect = spec.expect === undefined ? undefined : compileRegex(spec.expect, ['verify', i, 'expect'], at, errors);
    const when = 'when' in spec ? spec.when : undefined;
    if (when) checkWhen(when, ['verify', i, 'when'], params, at, errors);
    return { run: spec.run, ...(expect ? { expect } : {}), ...(when ? { when } : {}) };
  });
  const hints = (input.hints ?? []).flatMap((h, i) => {
    const match = compileRegex(h.match, ['hints', i, 'match'], at, errors);
    return match ? [{ match, say: h.say }] : [];
  });
  if (errors.length) throw new UserErrors(errors);
  const recipe: Recipe = {
    name: input.name,
    summary: input.summary,
    file,
    params,
    requires: (input.requires ?? []).map((r, i) => toRequirement(r, i, at)),
    derive: input.derive ?? {},
    assert: input.assert ?? [],
    provides: input.provides ?? {},
    steps,
    verify,
    hints,
    warnings,
    at,
  };
  if (input.when) recipe.when = input.when;
  if (input.locks !== undefined) recipe.locks = input.locks;
  if (check) recipe.check = check;
  if (input.service !== undefined) recipe.service = input.service;
  return recipe;
}

// Parse and validate recipe text; every problem is a UserError naming file:line:col and the key path.
export function parseRecipe(text: string, file: string): Recipe {
  const { data, positions } = parseYaml(text, file);
  const at: At = (path) => positions.at(path);
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw new UserError('a recipe is a mapping with name, summary, steps…', positions.at([]));
  }
  const kindErrors: UserError[] = [];
  const rawSteps = (data as { steps?: unknown }).steps;
  const badSteps = Array.isArray(rawSteps) ? rawSteps.flatMap((s, i) => (stepKindOf(s, ['steps', i], at, kindErrors) ? [] : [`steps[${i}]`])) : [];
  const result = recipeSchema.safeParse(data);
  if (!result.success) {
    const others = zodErrors(result.error, recipeSchema, data, positions).filter((e) => !badSteps.some((p) => e.message.startsWith(p)));
    throw new UserErrors([...kindErrors, ...others]);
  }
  if (kindErrors.length) throw new UserErrors(kindErrors);
  return toRecipe(result.data, file, at);
}

// Read one recipe file's text; an unreadable file (or one that is not a regular file, or huge) is a UserError.
export function readRecipeText(file: string): string {
  try {
    return readRegularFile(file);
  } catch (err) {
    throw new UserError(`cannot read recipe: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, file);
  }
}
