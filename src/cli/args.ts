import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../errors.js';
import { didYouMean } from '../text/suggest.js';

// Flag definitions, as node:util parseArgs takes them.
export type Flags = NonNullable<ParseArgsConfig['options']>;

// Parsed flags and positionals of one command.
export interface Parsed {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

// Parse argv for one command; an unknown or malformed flag is a UserError naming the flag.
export function parseFlags(args: string[], flags: Flags): Parsed {
  try {
    const { values, positionals } = parseArgs({ args, options: { ...flags, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    return { values, positionals };
  } catch (err) {
    const message = (err as Error).message;
    const unknown = /Unknown option '(-{1,2}[^']+)'/.exec(message);
    if (unknown) {
      const flag = unknown[1]!;
      const hint = didYouMean(flag.replace(/^-+/, ''), Object.keys(flags)).replace(/"(.+)"/, '"--$1"');
      throw new UserError(`unknown flag ${flag}${hint}; see --help`, flag);
    }
    const missing = /Option '(-{1,2}[^']+?)(?: <value>)?' argument missing/.exec(message);
    if (missing) throw new UserError(`flag ${missing[1]} needs a value`, missing[1]);
    throw new UserError(message.split('\n')[0]!.replace(/\. To specify a positional.*$/, ''));
  }
}

// A flag given once or more, as a list of strings.
export function many(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

// A flag's single string value, if given.
export function one(value: unknown): string | undefined {
  return value === undefined ? undefined : String(Array.isArray(value) ? value.at(-1) : value);
}

// --retries N as a number.
export function parseRetries(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UserError(`--retries ${value}: expected a whole number`, '--retries');
  return Number(value);
}
