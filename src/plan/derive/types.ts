import type { Facts } from '../../facts/types.js';
import type { DataLookup } from '../../yaml/data-file.js';
import type { Mirror } from '../../recipe/mirror.js';

// A derived value and, when the choice needs explaining, a note for the plan; `blocked` when the value cannot work here.
export interface Derived {
  value: string;
  note?: string;
  blocked?: string;
}

// What a deriver gets: its rendered arguments, the facts, the data files, and the --mirror profile.
export interface DeriveInput {
  args: Record<string, string | Record<string, string>>;
  facts: Facts;
  data: DataLookup;
  mirror: Mirror;
}

// Computes one var at plan time; throws a plain Error whose message is shown with the recipe's position.
export type Deriver = (input: DeriveInput) => Derived;
