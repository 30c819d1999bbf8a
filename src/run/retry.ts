import { FetchError } from './fetch.js';
import { Interrupted, type RunShell } from './run-shell.js';

// A failed try of a step: its exit code and output, whether another try may help, and the command that failed.
export class StepFailure extends Error {
  constructor(readonly code: number, readonly output: string, readonly retryable: boolean, readonly command: string) {
    super(`exit ${code}`);
  }
}

// What the retry loop tells its caller about a failed try.
export interface TryFailed {
  failure: StepFailure;
  attempt: number;
  attempts: number;
  // Set when another try follows after this many milliseconds.
  delayMs?: number;
}

// Run `once` up to `attempts` times, doubling the wait between tries from `delayMs`; a failure that is not retryable
// (or the last) is returned. Interruptions and errors that are not step failures go through.
export async function withRetries<T>(
  shell: RunShell,
  attempts: number,
  delayMs: number,
  command: string,
  once: () => Promise<T>,
  onFailure: (failed: TryFailed) => void,
): Promise<{ ok: true; value: T } | { ok: false; failure: StepFailure }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { ok: true, value: await once() };
    } catch (err) {
      if (err instanceof Interrupted || shell.aborted) throw new Interrupted();
      const failure = err instanceof StepFailure ? err : err instanceof FetchError ? new StepFailure(1, err.message, err.retryable, command) : undefined;
      if (!failure) throw err;
      const last = !failure.retryable || attempt >= attempts;
      const wait = delayMs * 2 ** (attempt - 1);
      onFailure({ failure, attempt, attempts, ...(last ? {} : { delayMs: wait }) });
      if (last) return { ok: false, failure };
      await shell.sleep(wait);
    }
  }
}
