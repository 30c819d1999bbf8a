import { dqEscape, shq, sqEscape } from '../shell/quote.js';

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
  let out = '';
  let last = 0;
  for (const p of findPlaceholders(template)) {
    const value = evaluate(ctx, p);
    if (value instanceof Secret) {
      throw new TemplateError(`${p.path.join('.')} is secret: use it only in commands (run, unless, check, verify), where it is read from $${value.env}`);
    }
    out += template.slice(last, p.start) + value;
    last = p.end;
  }
  return out + template.slice(last);
}

type Quoting = 'none' | 'single' | 'double' | 'comment';

// Follow the shell's quoting state through literal text, starting in `state`.
function scanQuoting(text: string, state: Quoting): Quoting {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (state === 'single') {
      if (c === "'") state = 'none';
    } else if (state === 'double') {
      if (c === '\\') i++;
      else if (c === '"') state = 'none';
    } else if (state === 'comment') {
      if (c === '\n') state = 'none';
    } else if (c === '\\') i++;
    else if (c === "'") state = 'single';
    else if (c === '"') state = 'double';
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) state = 'comment';
    else if (c === '<' && text[i + 1] === '<' && text[i + 2] !== '<') {
      throw new TemplateError('a template value cannot go into a heredoc; write the content with a file step');
    }
  }
  return state;
}

function secretFor(state: Quoting, secret: Secret): string {
  switch (state) {
    case 'single':
      return `'"\${${secret.env}}"'`;
    case 'double':
      return `\${${secret.env}}`;
    case 'comment':
      return '***';
    default:
      return `"\${${secret.env}}"`;
  }
}

function quoteFor(state: Quoting, value: string | Secret): string {
  if (value instanceof Secret) return secretFor(state, value);
  switch (state) {
    case 'single':
      return sqEscape(value);
    case 'double':
      return dqEscape(value);
    case 'comment':
      return value.replace(/[\r\n]+/g, ' ');
    default:
      return shq(value);
  }
}

// Render a template that is a shell command: every value is quoted as data for its place in the command.
export function renderShell(template: string, ctx: TemplateContext): string {
  let out = '';
  let last = 0;
  let state: Quoting = 'none';
  for (const p of findPlaceholders(template)) {
    const literal = template.slice(last, p.start);
    state = scanQuoting(literal, state);
    out += literal + quoteFor(state, evaluate(ctx, p));
    last = p.end;
  }
  return out + template.slice(last);
}
