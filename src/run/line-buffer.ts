// Passes on text only in whole lines (the rest waits for its newline), so that secrets and markers are never cut in two.
export class LineBuffer {
  private partial = '';

  // Take a chunk; returns the complete lines so far.
  feed(chunk: string): string {
    const text = this.partial + chunk;
    const end = text.lastIndexOf('\n') + 1;
    this.partial = text.slice(end);
    return text.slice(0, end);
  }

  // The last, unfinished line, once the stream ended.
  flush(): string {
    const rest = this.partial;
    this.partial = '';
    return rest;
  }
}
