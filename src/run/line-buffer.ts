// Passes on text only in whole lines (the rest waits for its newline), so that secrets and markers are never cut in two.
export class LineBuffer {
  // The unfinished line so far, in the pieces it came in (joined once it ends: a long line is not copied per chunk).
  private partial: string[] = [];

  // Take a chunk; returns the complete lines so far.
  feed(chunk: string): string {
    const end = chunk.lastIndexOf('\n') + 1;
    if (end === 0) {
      if (chunk) this.partial.push(chunk);
      return '';
    }
    const text = this.flush() + chunk.slice(0, end);
    if (end < chunk.length) this.partial.push(chunk.slice(end));
    return text;
  }

  // The last, unfinished line, once the stream ended.
  flush(): string {
    const rest = this.partial.join('');
    this.partial = [];
    return rest;
  }
}
