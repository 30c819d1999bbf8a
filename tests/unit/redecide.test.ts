import { describe, expect, it } from 'vitest';
import { agrees } from '../../src/run/redecide.js';

describe('a predicted fact against the real one', () => {
  it('agrees as far as the prediction goes', () => {
    expect(agrees('3.10', '3.10.12')).toBe(true);
    expect(agrees('12.8', '12.8')).toBe(true);
  });
  it('differs on any part the prediction names, or when the fact is missing', () => {
    expect(agrees('3.10', '3.1')).toBe(false);
    expect(agrees('3.1', '3.10.4')).toBe(false);
    expect(agrees('12.8', '12.9')).toBe(false);
    expect(agrees('3.10', '')).toBe(false);
  });
});
