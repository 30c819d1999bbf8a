import type { RunEvent } from '../run/events.js';

// Turns run events into output; `close` waits until everything is written.
export interface Reporter {
  emit(event: RunEvent): void;
  close(): Promise<void>;
}
