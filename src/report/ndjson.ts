import type { RunEvent } from '../run/events.js';
import type { Reporter } from './reporter.js';

// One JSON object per line per event, for machines (--json).
export class NdjsonReporter implements Reporter {
  constructor(private readonly out: NodeJS.WritableStream = process.stdout) {}

  emit(event: RunEvent): void {
    this.out.write(`${JSON.stringify({ ...event, time: new Date().toISOString() })}\n`);
  }

  async close(): Promise<void> {}
}
