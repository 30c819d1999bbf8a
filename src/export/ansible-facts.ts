import { FACTS_SCRIPT } from '../facts/script.js';
import { FACT_PATHS, type Facts } from '../facts/types.js';
import type { Plan } from '../plan/types.js';
import { shq } from '../shell/quote.js';

type FactValue = string | number | boolean;

const valueAt = (facts: Facts, path: string): FactValue => path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], facts) as FactValue;

function withValue(facts: Facts, path: string, value: FactValue): Facts {
  const copy = structuredClone(facts) as unknown as Record<string, Record<string, FactValue>>;
  const [key, sub] = path.split('.') as [string, string | undefined];
  if (sub === undefined) (copy as unknown as Record<string, FactValue>)[key] = value;
  else copy[key]![sub] = value;
  return copy as unknown as Facts;
}

// Other values a fact could have on another box: empty, a word, a low and a high number; the other boolean.
function otherValues(value: FactValue): FactValue[] {
  if (typeof value === 'boolean') return [!value];
  if (typeof value === 'number') return [value + 1, value > 1 ? 1 : 64];
  return ['', 'rig-other', '0', '999'].filter((v) => v !== value);
}

// The facts `plan` depends on: each that, given another value alone, changes what `makePlan` plans (or fails it).
export function factsThePlanUses(plan: Plan, makePlan: (facts: Facts) => Plan): string[] {
  const planned = JSON.stringify(plan.recipes);
  const changes = (facts: Facts) => {
    try {
      return JSON.stringify(makePlan(facts).recipes) !== planned;
    } catch {
      return true;
    }
  };
  return FACT_PATHS.filter((path) => otherValues(valueAt(plan.facts, path)).some((v) => changes(withValue(plan.facts, path, v))));
}

// How the facts script's output gives a fact, as a shell command (the GPU lines as rig's own parser reads them; a
// GPU's compute capability by its names, which decide it).
function readFact(path: string): string {
  const field = (n: number) => `rig_gpus | cut -d, -f${n} | sed 's/^ *//; s/ *$//'`;
  if (path === 'gpu.count') return 'rig_gpus | grep -c .';
  if (path === 'gpu.driver') return `rig_gpus | head -n 1 | cut -d, -f2 | sed 's/^ *//; s/ *$//'`;
  if (path === 'gpu.names' || path === 'gpu.compute') return `${field(1)} | paste -sd ';' - | sed 's/;/; /g'`;
  return `rig_fact ${shq(path)}`;
}

// A script that gathers the host's facts with rig's own facts script and fails, naming each difference, when a fact
// the plan depends on is not what the plan was rendered with.
export function factsCheckScript(facts: Facts, used: readonly string[]): string {
  const checks = [...new Set(used.map((p) => (p === 'gpu.compute' ? 'gpu.names' : p)))].map((p) => `rig_is ${shq(p)} "$(${readFact(p)})" ${shq(String(valueAt(facts, p)))}`);
  return [
    `rig_facts=$(\n${FACTS_SCRIPT.trim()}\n)`,
    `rig_fact() { printf '%s\\n' "$rig_facts" | awk -v k="$1" 'index($0, k "=") == 1 { print substr($0, length(k) + 2); exit }'; }`,
    `rig_gpus() { printf '%s\\n' "$rig_facts" | sed -n 's/^gpu=//p'; }`,
    'rig_differs=',
    'rig_is() { [ "$2" = "$3" ] || rig_differs="$rig_differs; $1 ${2:-(none)} here, ${3:-(none)} in the playbook"; }',
    ...checks,
    `[ -z "$rig_differs" ] || { echo "rig: this host is not the box the playbook was rendered for (\${rig_differs#; }); export it again for this host" >&2; exit 1; }`,
    `echo ${shq(`rig: this host is the box the playbook was rendered for (${used.length ? `the same ${used.join(', ')}` : 'the plan depends on no fact'})`)}`,
  ].join('\n');
}
