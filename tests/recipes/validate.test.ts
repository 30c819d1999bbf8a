import { describe, expect, it } from 'vitest';
import { rig } from '../helpers/rig.js';

describe('rig validate recipes/', () => {
  it('finds every built-in recipe valid, without warnings', async () => {
    const res = await rig(['validate', 'recipes/', '--strict']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^\d+ recipes valid$/);
  });
});
