import { lstatSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalTarget } from '../../src/targets/local.js';
import { tempDir } from '../helpers/temp.js';

describe('putting a file on this machine', () => {
  it('replaces a link at the destination instead of writing through it', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'victim'), 'keep me\n');
    writeFileSync(join(dir, 'src'), 'new content\n');
    symlinkSync(join(dir, 'victim'), join(dir, 'dest'));
    await new LocalTarget().putFile(join(dir, 'src'), join(dir, 'dest'));
    expect(readFileSync(join(dir, 'victim'), 'utf8')).toBe('keep me\n');
    expect(lstatSync(join(dir, 'dest')).isSymbolicLink()).toBe(false);
    expect(readFileSync(join(dir, 'dest'), 'utf8')).toBe('new content\n');
  });
});
