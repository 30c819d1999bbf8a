import { shq } from '../shell/quote.js';
import type { Redactor } from './redact.js';
import type { RunShell } from './run-shell.js';

// Read the secret a step left in a file on the target and hide it from then on: the whole value and each of its lines.
export async function captureSecret(shell: RunShell, file: string, redactor: Redactor): Promise<void> {
  const secret = await shell.exec(`cat ${shq(file)}`, {}, 60_000);
  for (const value of [secret.output.trim(), ...secret.output.split('\n').map((l) => l.trim())]) redactor.add(value);
}
