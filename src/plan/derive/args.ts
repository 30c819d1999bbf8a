import type { DeriveInput } from './types.js';

// A string argument of a deriver; a missing one is an error naming it.
export function stringArg(input: DeriveInput, name: string): string {
  const value = input.args[name];
  if (typeof value !== 'string') throw new Error(`needs a "${name}" argument (a string)`);
  return value;
}

// A mapping argument of a deriver.
export function mapArg(input: DeriveInput, name: string): Record<string, string> {
  const value = input.args[name];
  if (!value || typeof value !== 'object') throw new Error(`needs a "${name}" argument (a mapping)`);
  return value;
}

// Which family of framework builds a deriver reads: its data file, release table and name (default PyTorch's).
export function familyArgs(input: DeriveInput): { file: string; table: string; name: string } {
  const optional = (key: string, fallback: string) => (typeof input.args[key] === 'string' ? (input.args[key] as string) : fallback);
  return { file: optional('file', 'pytorch'), table: optional('table', 'torch'), name: optional('name', 'torch') };
}
