import { shq } from '../shell/quote.js';

// Replaces every secret value (and its shell-quoted form) with *** in text bound for the terminal, logs or files.
export class Redactor {
  private readonly values: string[];

  constructor(secrets: Iterable<string>) {
    const all = [...secrets].filter((s) => s.length >= 3).flatMap((s) => [shq(s), s]);
    this.values = [...new Set(all)].sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let out = text;
    for (const v of this.values) out = out.replaceAll(v, '***');
    return out;
  }
}
