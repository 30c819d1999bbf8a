import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fetchParts } from '../../src/steps/download.js';
import { tempDir } from '../helpers/temp.js';

// The digest part of an exported download, run by bash against a checksum file (curl reads file:// URLs).
function digestFrom(listing: string): { code: number; digest: string; err: string } {
  const dir = tempDir();
  writeFileSync(join(dir, 'md5sum.txt'), listing);
  const { digest } = fetchParts({ url: 'https://example.org/cuda/cuda_12.4.1_550.54.15_linux.run', algo: 'md5', digestFrom: `file://${dir}/md5sum.txt`, tempPath: '/var/tmp/x.partial' });
  const res = spawnSync('bash', ['-c', `set -euo pipefail\n${digest}\nprintf %s "$RIG_DIGEST"`], { encoding: 'utf8' });
  return { code: res.status ?? 1, digest: res.stdout, err: res.stderr };
}

const A = 'a'.repeat(32);
const B = 'B'.repeat(32);

describe('an exported download reads its digest as apply does', () => {
  it('takes the line that names the file, wherever it is', () => {
    expect(digestFrom(`${A}  cuda_12.4.1_550.54.15_linux_sbsa.run\n${B}  cuda_12.4.1_550.54.15_linux.run\n`)).toMatchObject({ code: 0, digest: 'b'.repeat(32) });
  });
  it('takes the only line of a one-line file', () => {
    expect(digestFrom(`${A}\n`)).toMatchObject({ code: 0, digest: A });
  });
  it('refuses to go on when no line names the file, or the only line is no digest', () => {
    for (const listing of [`${A}  other.run\n${B}  another.run\n`, 'not-a-digest\n', '']) {
      const res = digestFrom(listing);
      expect(res.code, listing).toBe(1);
      expect(res.err).toContain('rig: no md5 listed for cuda_12.4.1_550.54.15_linux.run in file://');
    }
  });
});

