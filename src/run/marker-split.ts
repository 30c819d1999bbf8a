// Splits a stream of output at a marker line: text before it is passed on as it comes; from the marker on it is kept.
export class MarkerSplit {
  private pending = '';
  private kept: string | undefined;

  constructor(private readonly marker: string) {}

  // Take a chunk; returns the part that is surely before the marker.
  feed(chunk: string): string {
    if (this.kept !== undefined) {
      this.kept += chunk;
      return '';
    }
    this.pending += chunk;
    const at = this.pending.indexOf(this.marker);
    if (at >= 0) {
      this.kept = this.pending.slice(at);
      const before = this.pending.slice(0, at);
      this.pending = '';
      return before;
    }
    const safe = Math.max(0, this.pending.length - this.marker.length);
    const out = this.pending.slice(0, safe);
    this.pending = this.pending.slice(safe);
    return out;
  }

  // What is left once the stream ended: the text held back that turned out not to start a marker.
  flush(): string {
    const out = this.kept === undefined ? this.pending : '';
    this.pending = '';
    return out;
  }

  // The output from the marker on, if it came.
  after(): string | undefined {
    return this.kept;
  }
}
