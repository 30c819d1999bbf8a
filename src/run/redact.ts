import { shq } from '../shell/quote.js';

// Secrets shorter than this are hidden only where they stand as a word of their own: a one-letter secret must not eat
// that letter out of every word.
const SHORT = 4;

// A character that makes a short secret part of a longer word (or of a mask already there) where it touches it.
const WORDY = '[\\p{L}\\p{N}_*]';

// Fields of events and statuses that name what rig made (event types, recipe ids, states, kinds, its log paths): a
// short secret that happens to be such a name must not rename it.
const NAMES = new Set(['type', 'id', 'state', 'kind', 'log', 'logDir', 'after', 'installed', 'failed']);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// The values to hide for one secret: the whole of it, its shell-quoted form, and each of its lines (output is
// handled a line at a time, so a multi-line secret must be hidden line by line too). Blank ones hide nothing.
function piecesOf(secret: string): string[] {
  return [secret, shq(secret), ...secret.split(/\r?\n/).map((line) => line.trim())].filter((v) => v.trim() !== '');
}

// Replaces every secret value with *** in text bound for the terminal, logs or files, whatever its length: values of
// SHORT characters or more wherever they occur, shorter ones where they stand as a word.
export class Redactor {
  private long: string[] = [];
  private short: string[] = [];
  private words: RegExp | undefined;

  constructor(secrets: Iterable<string>) {
    for (const s of secrets) this.add(s);
  }

  // Hide this value too from now on (a secret captured during the run).
  add(secret: string): void {
    const pieces = piecesOf(secret);
    const byLength = (a: string, b: string) => b.length - a.length;
    this.long = [...new Set([...this.long, ...pieces.filter((p) => p.length >= SHORT)])].sort(byLength);
    this.short = [...new Set([...this.short, ...pieces.filter((p) => p.length < SHORT)])].sort(byLength);
    this.words = this.short.length ? new RegExp(`(?<!${WORDY})(?:${this.short.map(escapeRegExp).join('|')})(?!${WORDY})`, 'gu') : undefined;
  }

  // The text with every secret in it replaced by ***.
  redact(text: string): string {
    let out = text;
    for (const v of this.long) out = out.replaceAll(v, '***');
    return this.words ? out.replace(this.words, '***') : out;
  }

  // The same data (an event, a status) with every string in it redacted, but for the names rig made (NAMES).
  redactAll<T>(data: T): T {
    return this.walk(data, '') as T;
  }

  private walk(data: unknown, key: string): unknown {
    if (NAMES.has(key)) return data;
    if (typeof data === 'string') return this.redact(data);
    if (Array.isArray(data)) return data.map((v: unknown) => this.walk(v, key));
    if (data === null || typeof data !== 'object') return data;
    return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, this.walk(v, k)]));
  }
}

// The RIG_SECRET_* variables of an environment (secret params given there), by name.
export function envSecrets(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[0].startsWith('RIG_SECRET_') && e[1] !== undefined));
}
