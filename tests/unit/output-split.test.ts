import { describe, expect, it } from 'vitest';
import { LineBuffer } from '../../src/run/line-buffer.js';
import { MarkerSplit } from '../../src/run/marker-split.js';

describe('output splitting', () => {
  it('passes whole lines only', () => {
    const lines = new LineBuffer();
    expect(lines.feed('hun')).toBe('');
    expect(lines.feed('ter2\nnext')).toBe('hunter2\n');
    expect(lines.feed(' line\n')).toBe('next line\n');
    expect(lines.feed('tail')).toBe('');
    expect(lines.flush()).toBe('tail');
  });

  it('keeps everything from a marker on, even when chunks cut the marker', () => {
    const split = new MarkerSplit('\n@@mark\n');
    const passed = ['step out', 'put\n@@m', 'ark\ncheck says 1.2', '\n@@mark 0\n'].map((c) => split.feed(c)).join('') + split.flush();
    expect(passed).toBe('step output');
    expect(split.after()).toBe('\n@@mark\ncheck says 1.2\n@@mark 0\n');
  });

  it('passes everything when no marker comes', () => {
    const split = new MarkerSplit('\n@@mark\n');
    expect(split.feed('all of it\n@@ma') + split.flush()).toBe('all of it\n@@ma');
    expect(split.after()).toBeUndefined();
  });
});
