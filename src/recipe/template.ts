import { createHash } from 'node:crypto';
import { ShellScanner, ShellContextError, type ShellContext } from '../shell/context.js';
import { shq } from '../shell/quote.js';

const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w]*(?:\.[\w-]+)*)\s*((?:\|\s*[A-Za-z_]\w*\s*)*)\}\}/g;

// What a template may read: params, facts, mirror, vars and recipe values by dotted path.
export type TemplateContext = Record<string, unknown>;

// A `{{ path | filter }}` placeholder found in a template string.
export interface Placeholder {
  path: string[];
  filters: string[];
  start: number;
  end: number;
}

// A secret param: never written into a command; the shell reads it from this environment variable.
export class Secret {
  constructor(readonly env: string) {}

  toString(): string {
    return '***';
  }
}

// The environment variable that carries a secret param to the commands that use it.
export function secretEnvName(recipe: string, param: string): string {
  return `RIG_SECRET_${recipe}_${param}`.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
}

// A template that cannot be rendered (unknown value or filter); the message names what is wrong.
export class TemplateError extends Error {}

const FILTERS: Record<string, (value: string) => string> = {
  major: (v) => versionParts(v, 1),
  majmin: (v) => versionParts(v, 2),
  nodots: (v) => v.replaceAll('.', ''),
  dashes: (v) => v.replaceAll('.', '-'),
  host: (v) => {
    try {
      return new URL(v).hostname;
    } catch {
      throw new TemplateError(`filter host: ${JSON.stringify(v)} is not a URL`);
    }
  },
  lower: (v) => v.toLowerCase(),
};

// Names of the filters a placeholder may use.
export const FILTER_NAMES = Object.keys(FILTERS);

function versionParts(value: string, count: number): string {
  const parts = value.split('.');
  if (parts.length < count || !parts.slice(0, count).every((p) => /^\d+$/.test(p))) {
    throw new TemplateError(`${JSON.stringify(value)} has no ${count}-part version prefix`);
  }
  return parts.slice(0, count).join('.');
}

// Every placeholder in a template string, in order.
export function findPlaceholders(template: string): Placeholder[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => ({
    path: m[1]!.split('.'),
    filters: m[2]!
      .split('|')
      .map((f) => f.trim())
      .filter(Boolean),
    start: m.index!,
    end: m.index! + m[0].length,
  }));
}

// Does this string contain any placeholder?
export function hasPlaceholders(template: string): boolean {
  return findPlaceholders(template).length > 0;
}

function lookup(ctx: TemplateContext, path: string[]): string | Secret {
  let value: unknown = ctx;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || !(key in value)) {
      throw new TemplateError(`unknown value ${path.join('.')}`);
    }
    value = (value as Record<string, unknown>)[key];
  }
  if (value === undefined || value === null) throw new TemplateError(`${path.join('.')} has no value here`);
  if (value instanceof Secret) return value;
  if (typeof value === 'object') throw new TemplateError(`${path.join('.')} is not a single value`);
  return String(value);
}

function evaluate(ctx: TemplateContext, p: Placeholder): string | Secret {
  const found = lookup(ctx, p.path);
  if (found instanceof Secret) {
    if (p.filters.length) throw new TemplateError(`${p.path.join('.')} is secret; filters cannot apply to it`);
    return found;
  }
  let value = found;
  for (const name of p.filters) {
    const filter = FILTERS[name];
    if (!filter) throw new TemplateError(`unknown filter ${name}`);
    value = filter(value);
  }
  return value;
}

// Render a template whose result is data (a URL, a path, a package name): values go in as they are.
export function renderData(template: string, ctx: TemplateContext): string {
  return renderValues(template, ctx, (secret, p) => {
    throw new TemplateError(`${p.path.join('.')} is secret: use it only in commands (run, unless, check, verify), where it is read from $${secret.env}`);
  });
}

// Render a template as text a person reads (a step's title): values as they are, a secret as ***.
export function renderText(template: string, ctx: TemplateContext): string {
  return renderValues(template, ctx, () => '***');
}

function renderValues(template: string, ctx: TemplateContext, secret: (value: Secret, p: Placeholder) => string): string {
  let out = '';
  let last = 0;
  for (const p of findPlaceholders(template)) {
    const value = evaluate(ctx, p);
    out += template.slice(last, p.start) + (value instanceof Secret ? secret(value, p) : value);
    last = p.end;
  }
  return out + template.slice(last);
}

// Characters that mean themselves wherever they stand in a command (outside $(( … ))): a value made only of these is
// written as it is, so that plans read as the commands a person would type.
const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

// The variable a value that is not plain reaches the shell through: assigned first (single-quoted, at the start of a
// line, where quoting does not depend on what surrounds it), then only expanded, so that the shell never reads it as code.
function variableFor(value: string): string {
  return `RIG_V_${createHash('sha256').update(value).digest('hex').slice(0, 8)}`;
}

// The text that stands for a variable's value in a context: expanded once, never split, globbed or evaluated.
function expansion(context: ShellContext, name: string): string {
  switch (context) {
    case 'single':
      return `'"\${${name}}"'`;
    case 'double':
      return `\${${name}}`;
    default:
      return `"\${${name}}"`;
  }
}

function placeValue(context: ShellContext, value: string | Secret, assigned: Map<string, string>): string {
  if (context === 'arith') {
    if (typeof value === 'string' && /^-?\d+$/.test(value)) return value;
    throw new TemplateError('a template value inside $(( … )) or (( … )) must be a whole number (bash evaluates anything else as an expression)');
  }
  if (value instanceof Secret) return expansion(context, value.env);
  if (value === '') return context === 'code' ? '""' : '';
  if (PLAIN.test(value)) return value;
  const name = variableFor(value);
  assigned.set(name, value);
  return expansion(context, name);
}

// Render a template that is a shell command: every value is data, whatever its place in the command. A value of plain
// characters is written as it is; any other is assigned to a variable on a line of its own before the command, and
// the command only expands it.
export function renderShell(template: string, ctx: TemplateContext): string {
  let out = '';
  let last = 0;
  const scanner = new ShellScanner();
  const assigned = new Map<string, string>();
  for (const p of findPlaceholders(template)) {
    const literal = template.slice(last, p.start);
    try {
      scanner.read(literal);
    } catch (err) {
      if (err instanceof ShellContextError) throw new TemplateError(err.message);
      throw err;
    }
    out += literal + placeValue(scanner.at(), evaluate(ctx, p), assigned);
    last = p.end;
  }
  const assignments = [...assigned].map(([name, value]) => `${name}=${shq(value)}\n`).join('');
  return assignments + out + template.slice(last);
}
