import { shq } from '../shell/quote.js';

// Replaces every secret value (and its shell-quoted form) with *** in text bound for the terminal, logs or files.
export class Redactor {
  private values: string[] = [];

  constructor(secrets: Iterable<string>) {
    for (const s of secrets) this.add(s);
  }

  // Hide this value too from now on (a secret captured during the run).
  add(secret: string): void {
    if (secret.length < 3) return;
    this.values = [...new Set([...this.values, shq(secret), secret])].sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let out = text;
    for (const v of this.values) out = out.replaceAll(v, '***');
    return out;
  }
}
