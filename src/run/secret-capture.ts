import { shq } from '../shell/quote.js';
import type { Redactor } from './redact.js';
import type { RunShell } from './run-shell.js';

// Read the secret a step left in a file on the target and hide it from then on (the redactor hides each line of it too).
export async function captureSecret(shell: RunShell, file: string, redactor: Redactor): Promise<void> {
  const secret = await shell.exec(`cat ${shq(file)}`, {}, 60_000);
  redactor.add(secret.output.trim());
}
