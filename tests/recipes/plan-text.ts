// The parts of `rig plan --json` a plan test compares: each recipe's status, notes and every command it would run.
interface JsonStep {
  kind: string;
  title: string;
  guard: string | null;
  script: string;
  fetch: { url: string; algo: string; digest?: string; digestFrom?: string } | null;
}

interface JsonRecipe {
  id: string;
  status: { state: string; detail: string };
  notes: string[];
  check: { script: string; pattern: string | null; wants: string | null } | null;
  steps: JsonStep[];
  verify: { script: string; expect: string | null }[];
}

// One unit of the program apply runs: a recipe's steps, or one apt-get shared by adjacent apt-only recipes.
interface JsonUnit {
  recipes: string[];
  steps: (JsonStep & { recipe: string; index: number })[];
}

// The JSON plan, as `rig plan --json` prints it.
export interface JsonPlan {
  mirror: string | null;
  recipes: JsonRecipe[];
  program: JsonUnit[];
}

// pip's guard embeds one fixed Python program (tested with the pip step); the plan files name it instead of repeating it.
const PIP_CHECK = /-c '(import sys\nfrom importlib\.metadata import version, PackageNotFoundError\n[\s\S]*?)' /;

function fetchLine(fetch: NonNullable<JsonStep['fetch']>): string {
  const digest = fetch.digest ? `${fetch.algo} ${fetch.digest}` : fetch.digestFrom ? `${fetch.algo} from ${fetch.digestFrom}` : 'unverified';
  return `fetch: ${fetch.url} (${digest})`;
}

// A plan as reviewable text: per recipe its status and notes, then each step's guard, fetch and script, then check and verify.
export function planText(plan: JsonPlan): string {
  const out: string[] = [];
  const units = new Map(plan.program.map((u) => [u.recipes[0]!, u]));
  const joinedWith = new Map(plan.program.flatMap((u) => u.recipes.slice(1).map((id) => [id, u.recipes[0]!] as const)));
  for (const r of plan.recipes) {
    out.push(`== ${r.id}: ${r.status.state}${r.status.state === 'unchecked' || r.status.state === 'stack' ? '' : ` (${r.status.detail})`}`);
    for (const n of r.notes) out.push(`note: ${n}`);
    if (joinedWith.has(r.id)) out.push(`-- (its packages install with ${joinedWith.get(r.id)}'s apt-get)`);
    for (const s of units.get(r.id)?.steps ?? []) {
      out.push(`-- ${s.kind}: ${s.title}`);
      if (s.guard) out.push(`skip if: ${s.guard.replace(PIP_CHECK, "-c '<the pip step's requirement check>' ")}`);
      if (s.fetch) out.push(fetchLine(s.fetch));
      out.push(s.script);
    }
    if (r.check) out.push(`check: ${r.check.script}${r.check.wants ? `  (wants ${r.check.wants})` : ''}`);
    for (const v of r.verify) out.push(`verify: ${v.script}${v.expect ? `  (expect /${v.expect}/)` : ''}`);
  }
  return `${out.join('\n')}\n`;
}
