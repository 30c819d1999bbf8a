// The most a download waits for a server's response, and for the next bytes of its body; never more than half the
// step's timeout, so that a stalled server is told from a slow one.
const RESPONSE_MS = 30_000;
const IDLE_MS = 60_000;

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(1))} s`;

// The time bounds of one download: a response within RESPONSE_MS, then bytes at least every IDLE_MS, all of it within
// the step's timeout. Its signal aborts the fetch when a bound runs out, or the run's own signal aborts.
export class FetchClock {
  // Aborted when a bound runs out or the run's own signal aborts.
  readonly signal: AbortSignal;
  // Why the fetch was stopped, once a bound ran out.
  expired: string | undefined;
  private readonly controller = new AbortController();
  private readonly total: NodeJS.Timeout;
  private wait: NodeJS.Timeout;
  private received = 0;

  constructor(private readonly timeoutMs: number, outer?: AbortSignal) {
    this.signal = outer ? AbortSignal.any([outer, this.controller.signal]) : this.controller.signal;
    this.total = setTimeout(() => this.expire(`not done after ${seconds(timeoutMs)} (the step's timeout), ${this.received} bytes received`), timeoutMs);
    const respondMs = Math.min(timeoutMs / 2, RESPONSE_MS);
    this.wait = setTimeout(() => this.expire(`no response after ${seconds(respondMs)}`), respondMs);
  }

  // The response came: from now on its body must keep coming.
  responded(): void {
    clearTimeout(this.wait);
    const idleMs = Math.min(this.timeoutMs / 2, IDLE_MS);
    this.wait = setTimeout(() => this.expire(`no data for ${seconds(idleMs)} after ${this.received} bytes`), idleMs);
  }

  // Bytes of the body came.
  data(bytes: number): void {
    this.received += bytes;
    this.wait.refresh();
  }

  // The fetch ended, one way or another.
  stop(): void {
    clearTimeout(this.total);
    clearTimeout(this.wait);
  }

  private expire(why: string): void {
    this.expired ??= why;
    this.stop();
    this.controller.abort(new Error(why));
  }
}
