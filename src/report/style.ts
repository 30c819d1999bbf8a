import { styleText } from 'node:util';

type Color = 'green' | 'red' | 'yellow' | 'cyan' | 'dim' | 'bold';

// Colors text when the stream is a terminal and NO_COLOR is not set.
export function painter(stream: { isTTY?: boolean }): (color: Color, text: string) => string {
  const on = stream.isTTY === true && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
  return (color, text) => (on ? styleText(color, text) : text);
}

// "1.2 s" or "340 ms".
export function duration(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

// "12.3 MB".
export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

// A text progress bar: "[######----] 60% 12.0 MB/20.0 MB".
export function progressBar(received: number, total: number | undefined, width = 24): string {
  if (!total) return `${bytes(received)}`;
  const fill = Math.min(width, Math.round((received / total) * width));
  return `[${'#'.repeat(fill)}${'-'.repeat(width - fill)}] ${Math.floor((received / total) * 100)}% ${bytes(received)}/${bytes(total)}`;
}
