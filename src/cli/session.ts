import { UserError } from '../errors.js';
import { readRegularFile } from '../read-file.js';
import { cachedFacts, saveFacts } from '../facts/cache.js';
import { gatherFacts } from '../facts/gather.js';
import { completeFacts } from '../facts/parse.js';
import { probePlan, probeWithFacts, type Probe } from '../run/probe.js';
import { unprobedStatus } from '../run/status.js';
import { FACT_PATHS, recordedFactsSchema, type Facts } from '../facts/types.js';
import { buildPlan } from '../plan/build.js';
import { loadMirror } from '../plan/mirror.js';
import { NO_MIRROR, type Mirror } from '../recipe/mirror.js';
import type { DataLookup } from '../yaml/data-file.js';
import { parseSet, secretsFromSets, type ParamSet } from '../plan/params.js';
import type { Plan } from '../plan/types.js';
import { BUILTIN_RECIPES, Catalog } from '../recipe/catalog.js';
import { dataLookup } from '../plan/data.js';
import type { Recipe } from '../recipe/model.js';
import type { Target } from '../targets/target.js';
import { many, one, type Parsed } from './args.js';
import { openArgsTarget } from './args-target.js';
import { envSecrets } from '../run/redact.js';
import { enforceLock, lockDrift, lockedRequest, type LockedRequest } from './locked.js';

// Facts a recipe's commands are written with that only make sense as absolute paths (a relative one would be blamed on the recipe).
function pathProblem(f: Facts): string | undefined {
  const paths: [string, string][] = [['home', f.home], ['envDir', f.envDir], ['stateDir', f.stateDir]];
  const bad = paths.find(([key, value]) => !value.startsWith('/') && !(key === 'home' && value === ''));
  return bad && `${bad[0]}: expected an absolute path, got ${JSON.stringify(bad[1])}`;
}

// A --facts file: JSON of the shape `rig facts --json` prints; anything else is one line naming what is wrong.
function readFactsFile(file: string): Facts {
  const refuse = (why: string) => new UserError(`--facts ${file}: ${why}; write one with rig facts --json`, '--facts');
  let data: unknown;
  try {
    data = JSON.parse(readRegularFile(file));
  } catch (err) {
    throw refuse((err as NodeJS.ErrnoException).code ?? (err instanceof SyntaxError ? `not JSON (${err.message.split('\n')[0]})` : (err as Error).message));
  }
  const parsed = recordedFactsSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw refuse(`${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`);
  }
  const facts = completeFacts(parsed.data);
  const problem = pathProblem(facts);
  if (problem) throw refuse(problem);
  return facts;
}

// The facts that differ between two boxes, as "os.codename noble here, jammy in the file".
function factDiffs(recorded: Facts, real: Facts): string[] {
  const at = (f: Facts, path: string) => String(path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], f));
  return FACT_PATHS.filter((p) => at(recorded, p) !== at(real, p)).map((p) => `${p} ${at(real, p) || '(none)'} here, ${at(recorded, p) || '(none)'} in the file`);
}

// apply --facts FILE on a target that FILE does not describe (its plan would differ): one line saying how, exit 2.
function refuseOtherBox(file: string, recorded: Facts, real: Facts, makePlan: (facts: Facts) => Plan, plan: Plan): void {
  if (JSON.stringify(makePlan(recorded).recipes) === JSON.stringify(plan.recipes)) return;
  const diffs = factDiffs(recorded, real);
  throw new UserError(`--facts ${file}: the target is not the box it records (${diffs.slice(0, 4).join('; ')}${diffs.length > 4 ? '; …' : ''}), and its plan differs; apply without --facts plans on the target's own facts`, '--facts');
}

// The recipe catalog for --recipes flags.
export function openCatalog(args: Parsed): Catalog {
  return new Catalog(many(args.values.recipes));
}

// Everything a plan needs from the command line: catalog, target, facts, the plan, and (when probed) what the probe found.
export interface Session {
  catalog: Catalog;
  target: Target;
  facts: Facts;
  plan: Plan;
  // The same request planned on other facts (the box's, when apply finds them changed by a recipe).
  makePlan: (facts: Facts) => Plan;
  // Each recipe's status and the step guards that held; without a probe, every recipe is unchecked.
  probe: Probe;
  // RIG_SECRET_* values from --set and the environment.
  secrets: Record<string, string>;
  // The lock of --locked FILE.
  locked?: LockedRequest;
}

// Under --locked: refuse a plan the lock cannot be replayed as, then mark every recipe whose check holds but whose pins
// differ on the target from the lock's as at the wrong version, so that apply installs what the lock says.
async function replayChecks(locked: LockedRequest, plan: Plan, target: Target | undefined, verb: string, probed: boolean, found: Probe): Promise<void> {
  await enforceLock(locked, plan, target, verb === 'apply');
  if (!target || !probed) return;
  const drift = await lockDrift(locked, plan, target, found.statuses);
  for (const [id, lines] of drift.byRecipe) {
    if (found.statuses.get(id)?.state === 'satisfied') found.statuses.set(id, { state: 'wrong', detail: `not as locked: ${lines.join('; ')}` });
  }
}

// One host of a fleet: how to reach it, its inventory params, and whether root steps may go through sudo.
export interface SessionHost {
  name: string;
  open: () => Promise<Target>;
  sets: ParamSet[];
  noSudo: boolean;
}

const sourcesOf = new WeakMap<Parsed, { catalog: Catalog; data: DataLookup; mirror: Mirror }>();

// What the plans of a command line are made from: its catalog, data files and mirror, read once however many hosts
// it plans for.
export function planSources(args: Parsed): { catalog: Catalog; data: DataLookup; mirror: Mirror } {
  let sources = sourcesOf.get(args);
  if (!sources) {
    const mirrorSpec = one(args.values.mirror);
    sources = { catalog: openCatalog(args), data: dataLookup([BUILTIN_RECIPES, ...many(args.values.recipes)]), mirror: mirrorSpec ? loadMirror(mirrorSpec) : NO_MIRROR };
    sourcesOf.set(args, sources);
  }
  return sources;
}

// Open the target, build the plan for the recipes named on the command line, and probe it (facts and checks in one
// round trip when the target's facts are as last seen); with probe false, only facts are gathered (or read from --facts).
// With `host`, the target is that inventory host, and its params come before the command line's.
export async function openSession(args: Parsed, verb: string, probe: boolean, host?: SessionHost): Promise<Session> {
  const locked = lockedRequest(args, host?.name);
  const names = locked?.names ?? args.positionals;
  if (names.length === 0) throw new UserError(`${verb} needs at least one recipe name; rig list shows them`);
  const { catalog, data, mirror } = planSources(args);
  const sets = [...(locked?.sets ?? []), ...(host?.sets ?? []), ...many(args.values.set)].map((x) => (typeof x === 'string' ? parseSet(x) : x));
  for (const name of names) catalog.get(name);
  const factsFile = one(args.values.facts);
  const request = { names, sets, mirror, ...(locked ? { locked: locked.pins } : {}) };
  const makePlan = (facts: Facts) => buildPlan((name, where): Recipe => catalog.get(name, where), request, host?.noSudo ? { ...facts, sudo: false } : facts, data);
  const fromEnv = envSecrets();
  const secrets = { ...fromEnv, ...secretsFromSets(sets, new Map(sets.filter((x) => catalog.fileOf(x.recipe)).map((x) => [x.recipe, catalog.get(x.recipe)]))) };
  const target = host ? await host.open() : await openArgsTarget(args);
  try {
    let facts: Facts;
    let plan: Plan;
    let found: Probe;
    if (factsFile && verb === 'apply') {
      // apply changes the target: it runs only what the target's own facts plan, and only if the file plans the same.
      facts = await gatherFacts(target);
      plan = makePlan(facts);
      refuseOtherBox(factsFile, readFactsFile(factsFile), facts, makePlan, plan);
      found = await probePlan(plan, target, secrets);
    } else if (factsFile || !probe) {
      facts = factsFile ? readFactsFile(factsFile) : await gatherFacts(target);
      plan = makePlan(facts);
      if (factsFile && probe) process.stderr.write(`rig: --facts ${factsFile}: planned for the box it records; nothing was checked here (every recipe is unchecked)\n`);
      found = probe && !factsFile ? await probePlan(plan, target, secrets) : { statuses: new Map(plan.recipes.map((r) => [r.id, unprobedStatus(r)])), guards: new Map() };
    } else {
      ({ plan, facts, ...found } = await probeWithFacts(target, makePlan, cachedFacts(target.cacheKey), secrets));
    }
    if (!factsFile) saveFacts(target.cacheKey, facts);
    if (locked && verb !== 'doctor') await replayChecks(locked, plan, factsFile ? undefined : target, verb, probe, found);
    return { catalog, target, facts, plan, makePlan, probe: found, secrets, ...(locked ? { locked } : {}) };
  } catch (err) {
    await target.close();
    throw err;
  }
}
