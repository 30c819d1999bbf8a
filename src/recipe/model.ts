import type { AssertInput, CheckInput, DeriveInput, ProvidesInput, Scalar, StepKind, StepSpec, WhenInput } from './schema.js';
import type { KeyPath } from '../yaml/source.js';

// A param after its type was settled.
export interface Param {
  name: string;
  type: 'string' | 'enum' | 'bool' | 'int';
  default?: Scalar;
  values?: string[];
  secret: boolean;
  description?: string;
}

// A dependency on another recipe, optionally with params for it.
export interface Requirement {
  recipe: string;
  with: Record<string, Scalar>;
  where: string;
}

// One typed step, with the position it was written at.
export type Step = {
  [K in StepKind]: { kind: K; spec: StepSpec<K>; index: number; where: string };
}[StepKind];

// A loaded, validated recipe.
export interface Recipe {
  name: string;
  summary: string;
  file: string;
  params: Record<string, Param>;
  requires: Requirement[];
  when?: WhenInput;
  derive: Record<string, DeriveInput>;
  assert: AssertInput[];
  check?: CheckInput & { pattern?: RegExp; where: string };
  provides: ProvidesInput;
  // The service the recipe starts: its state is read after the check's run (the plan renders that).
  service?: string;
  // The param a lock records the version found as (rig lock).
  locks?: string;
  steps: Step[];
  verify: { run: string; expect?: RegExp; when?: WhenInput }[];
  hints: { match: RegExp; say: string }[];
  warnings: string[];
  // "file:line:col" of a key path in the recipe file.
  at(path: KeyPath): string;
}

// Is this recipe only a list of other recipes?
export function isStack(recipe: Recipe): boolean {
  return recipe.steps.length === 0 && !recipe.check;
}
