import { isScalar, stringify, type Pair } from 'yaml';
import type { Facts } from '../facts/types.js';
import type { Plan } from '../plan/types.js';
import type { Lock } from './schema.js';

// The facts of the box a lock was made on that plans depend on.
export function lockBox(facts: Facts): Lock['box'] {
  const { os, arch, gpu, cuda, python3 } = facts;
  return { os: `${os.id} ${os.version}`, codename: os.codename, arch, gpu: gpu.names, driver: gpu.driver, compute: gpu.compute, cuda, python3 };
}

// Each recipe instance of the plan with the params it was planned with (secrets left out), what its derive chose and
// the version its check found (`found`, by id), which is also the value of the param it `locks`.
export function lockRecipes(plan: Plan, found: ReadonlyMap<string, string | undefined> = new Map()): Lock['recipes'] {
  const recipes: Lock['recipes'] = {};
  for (const r of plan.recipes) {
    const params = Object.fromEntries(Object.entries(r.params).filter((e): e is [string, string | number | boolean] => typeof e[1] !== 'object'));
    const vars = Object.fromEntries(Object.entries(r.vars).filter(([, v]) => v !== ''));
    const version = found.get(r.id);
    if (version && r.locks) params[r.locks] = version;
    recipes[r.id] = { ...(Object.keys(params).length ? { params } : {}), ...(Object.keys(vars).length ? { vars } : {}), ...(version ? { found: version } : {}) };
  }
  return recipes;
}

// Keys that lead their map, in this order (the file's sections; an apt package's version); the rest are sorted.
const FIRST = ['version', 'request', 'box', 'recipes', 'apt', 'pip', 'downloads', 'git'];

function keyOrder(a: Pair, b: Pair): number {
  const [x, y] = [String(isScalar(a.key) ? a.key.value : a.key), String(isScalar(b.key) ? b.key.value : b.key)];
  const [i, j] = [FIRST.indexOf(x), FIRST.indexOf(y)];
  if (i >= 0 || j >= 0) return (i < 0 ? FIRST.length : i) - (j < 0 ? FIRST.length : j);
  return x < y ? -1 : x > y ? 1 : 0;
}

// A lock as its file's text: a comment saying what it is, then YAML with every map in a fixed order (one box, one text).
export function lockText(lock: Lock, about: string): string {
  const head = ['# rig lock: what these recipes resolved to on one box (its JSON Schema: rig schema --lock).', `# ${about}`];
  return `${head.join('\n')}\n${stringify(lock, { sortMapEntries: keyOrder, lineWidth: 0 })}`;
}
