import type { Facts } from '../facts/types.js';
import type { LockedPins, RenderedStep } from '../steps/types.js';
import type { Wants } from '../version/wants.js';
import type { Mirror } from '../recipe/mirror.js';
import type { ParamSet, ParamValue } from './params.js';

// What the user asked for: recipes, --set flags, and a mirror.
export interface PlanRequest {
  names: string[];
  sets: ParamSet[];
  mirror: Mirror;
  // What a lock file pins (--locked FILE): the steps install exactly that.
  locked?: LockedPins;
}

// A recipe's check, rendered for this target.
export interface PlannedCheck {
  script: string;
  pattern?: RegExp;
  wants?: Wants;
  // A dpkg or pip check: the probe asks for all of a plan's packages at once (per interpreter for pip).
  query?: { kind: 'dpkg'; names: string[] } | { kind: 'pip'; python: string; names: string[] };
}

// One recipe instance in the plan, fully rendered.
export interface PlannedRecipe {
  id: string;
  name: string;
  file: string;
  summary: string;
  params: Record<string, ParamValue>;
  // The values its derive chose on these facts (a build, a release): what a lock records as its variants.
  vars: Record<string, string>;
  // The param a lock records the version found as.
  locks?: string;
  requires: string[];
  skip?: string;
  // Why the recipe must not run here (an assert failed); apply refuses the whole plan.
  blocked?: string;
  check?: PlannedCheck;
  steps: RenderedStep[];
  verify: { script: string; expect?: RegExp }[];
  hints: { match: RegExp; say: string }[];
  notes: string[];
  secretEnvs: string[];
  // Facts the box lacked that this recipe installs, as predicted (the recipes after it were decided with them).
  provided?: Partial<Pick<Facts, 'python3' | 'cuda'>>;
}

// The ordered list of recipe instances for a request on one target: dependencies first.
export interface Plan {
  request: PlanRequest;
  facts: Facts;
  recipes: PlannedRecipe[];
}
