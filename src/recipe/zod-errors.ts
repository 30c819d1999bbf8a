import { z } from 'zod';
import { UserError } from '../errors.js';
import { didYouMean } from '../text/suggest.js';
import { formatPath, type KeyPath, type SourcePositions } from '../yaml/source.js';

type Issue = z.core.$ZodIssue;

function valueAt(data: unknown, path: KeyPath): unknown {
  let value = data;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

function describeType(value: unknown): string {
  if (value === null) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)})`;
  return `${typeof value} ${String(value)}`;
}

const TYPE_WORDS: Record<string, string> = { object: 'a mapping', array: 'a list', string: 'a string', number: 'a number', boolean: 'true or false' };

function unwrap(schema: z.ZodType): z.ZodType {
  let s: z.ZodType = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodNullable) s = s.unwrap() as z.ZodType;
  return s;
}

// The object keys the schema allows at `path`, resolving unions by the data found there.
function knownKeys(schema: z.ZodType, path: KeyPath, data: unknown): string[] {
  let s = unwrap(schema);
  let value = data;
  for (const key of [...path, undefined]) {
    if (s instanceof z.ZodUnion) {
      const objects = (s.options as z.ZodType[]).map(unwrap).filter((o): o is z.ZodObject => o instanceof z.ZodObject);
      const keys = value && typeof value === 'object' ? Object.keys(value) : [];
      s = objects.find((o) => keys.some((k) => k in o.shape && !(k in STEP_COMMON_KEYS))) ?? objects[0] ?? s;
    }
    if (key === undefined) break;
    if (s instanceof z.ZodObject) s = unwrap(s.shape[key] as z.ZodType);
    else if (s instanceof z.ZodArray) s = unwrap(s.element as z.ZodType);
    else if (s instanceof z.ZodRecord) s = unwrap(s.valueType as z.ZodType);
    else return [];
    value = valueAt(value, [key]);
  }
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

const STEP_COMMON_KEYS: Record<string, true> = { name: true, when: true, root: true, timeout: true, retries: true };

function pickBranch(branches: Issue[][]): Issue[] | undefined {
  const typed = branches.filter((b) => !b.some((i) => i.path.length === 0 && i.code === 'invalid_type'));
  if (typed.length === 0) return undefined;
  return typed.reduce((best, b) => (b.length < best.length ? b : best));
}

function convert(issue: Issue, base: KeyPath, ctx: Ctx, out: UserError[]): void {
  const path = [...base, ...(issue.path as (string | number)[])];
  const where = ctx.positions.at(path);
  const at = (message: string, w = where, p = path) => out.push(new UserError(p.length ? `${formatPath(p)}: ${message}` : message, w));
  switch (issue.code) {
    case 'invalid_union': {
      const branch = pickBranch(issue.errors as Issue[][]);
      if (branch) for (const i of branch) convert(i, path, ctx, out);
      else {
        const expected = [...new Set((issue.errors as Issue[][]).map((b) => b.find((i) => i.path.length === 0)).map((i) => (i && i.code === 'invalid_type' ? TYPE_WORDS[i.expected] ?? i.expected : 'something else')))];
        at(`expected ${expected.join(' or ')}, got ${describeType(valueAt(ctx.data, path))}`);
      }
      return;
    }
    case 'unrecognized_keys':
      for (const key of issue.keys) {
        const known = knownKeys(ctx.schema, path, ctx.data);
        const shown = key.length > 40 ? `${key.slice(0, 40)}…` : key;
        at(`unknown key "${shown}"${didYouMean(key, known)}`, ctx.positions.keyAt(path, key), [...path, shown]);
      }
      return;
    case 'invalid_type': {
      const value = valueAt(ctx.data, path);
      if (value === undefined) {
        const parent = path.slice(0, -1);
        at(`missing required key "${String(path.at(-1))}"`, ctx.positions.at(parent), parent);
      } else at(`expected ${TYPE_WORDS[issue.expected] ?? issue.expected}, got ${describeType(value)}`);
      return;
    }
    case 'invalid_key': {
      const key = String(path.at(-1));
      const inner = (issue.issues as Issue[])[0]?.message ?? 'invalid key';
      at(`"${key}" is not a valid key: ${inner}`, ctx.positions.keyAt(path.slice(0, -1), key));
      return;
    }
    case 'too_small':
      at(issue.origin === 'array' ? `needs at least ${String(issue.minimum)} item${Number(issue.minimum) === 1 ? '' : 's'}` : `must be ${issue.inclusive ? 'at least' : 'more than'} ${String(issue.minimum)}`);
      return;
    case 'invalid_value':
      at(`expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeType(valueAt(ctx.data, path))}`);
      return;
    default:
      at(issue.message);
  }
}

interface Ctx {
  schema: z.ZodType;
  data: unknown;
  positions: SourcePositions;
}

// Turn zod issues into UserErrors that name file:line:col and the key path, with "did you mean" for unknown keys.
export function zodErrors(error: z.ZodError, schema: z.ZodType, data: unknown, positions: SourcePositions): UserError[] {
  const out: UserError[] = [];
  for (const issue of error.issues) convert(issue, [], { schema, data, positions }, out);
  return out;
}
