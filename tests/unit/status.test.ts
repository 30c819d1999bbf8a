import { describe, expect, it } from 'vitest';
import { judgeCheck } from '../../src/run/status.js';
import { parseWants } from '../../src/version/wants.js';

describe('a check that fails', () => {
  it('says what it found when it printed a version first (a client there, its server down)', () => {
    // postgresql's check: psql --version && pg_isready -q (pg_isready -q prints nothing and exits 2 without a server).
    const status = judgeCheck({ script: 'psql --version && pg_isready -q', pattern: /\(PostgreSQL\) (?<version>\d+(\.\d+)?)/ }, 2, 'psql (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n');
    expect(status).toEqual({ state: 'missing', found: '15.18', detail: 'found 15.18, but its check fails (exit 2)' });
  });

  it('names the failure when the check said why', () => {
    const check = { script: 'x', pattern: /release (?<version>\d+\.\d+)/, wants: parseWants('12.9') };
    expect(judgeCheck(check, 1, 'Cuda compilation tools, release 13.0, V13.0.88\nnvcc fatal: no input files\n')).toMatchObject({ state: 'missing', found: '13.0', detail: 'found 13.0, wants 12.9, but its check fails: nvcc fatal: no input files' });
  });

  it('is "not installed" when nothing like a version was printed', () => {
    expect(judgeCheck({ script: 'x', pattern: /release (?<version>\d+\.\d+)/ }, 127, 'bash: line 12: nvcc: command not found\n')).toEqual({ state: 'missing', detail: 'not installed (bash: line 12: nvcc: command not found)' });
  });
});
