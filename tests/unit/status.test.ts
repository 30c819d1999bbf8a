import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { describeStatus } from '../../src/report/describe.js';
import { withServiceState } from '../../src/recipe/service.js';
import { judgeCheck } from '../../src/run/status.js';
import { parseWants } from '../../src/version/wants.js';

// What a check script prints and exits with, run by bash as the probe runs it.
function runCheck(script: string): { code: number; output: string } {
  try {
    return { code: 0, output: execFileSync('bash', ['-c', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (err) {
    const e = err as { status: number; stdout: string };
    return { code: e.status, output: e.stdout };
  }
}

describe('a check that fails', () => {
  it('says what it found when it printed a version first (a client there, its server down)', () => {
    const status = judgeCheck({ script: 'psql --version && pg_isready -q', pattern: /\(PostgreSQL\) (?<version>\d+(\.\d+)?)/ }, 2, 'psql (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n');
    expect(status).toEqual({ state: 'missing', found: '15.18', detail: 'found 15.18, but its check fails (exit 2)' });
  });

  it('names the failure when the check said why', () => {
    const check = { script: 'x', pattern: /release (?<version>\d+\.\d+)/, wants: parseWants('12.9') };
    expect(judgeCheck(check, 1, 'Cuda compilation tools, release 13.0, V13.0.88\nnvcc fatal: no input files\n')).toMatchObject({ state: 'missing', found: '13.0', detail: 'found 13.0, wants 12.9, but its check fails: nvcc fatal: no input files' });
  });

  it('is "not installed" when nothing like a version was printed, without the "bash: line N: " bash puts before its errors', () => {
    expect(judgeCheck({ script: 'x', pattern: /release (?<version>\d+\.\d+)/ }, 127, 'bash: line 12: nvcc: command not found\n')).toEqual({ state: 'missing', detail: 'not installed (nvcc: command not found)' });
    expect(judgeCheck({ script: 'x' }, 127, 'bash: line 40: /root/miniconda3/bin/conda: No such file or directory\n').detail).toBe('not installed (/root/miniconda3/bin/conda: No such file or directory)');
    expect(judgeCheck({ script: 'x' }, 1, 'bash: nvcc: command not found\n').detail).toBe('not installed (nvcc: command not found)');
    // A check of a batch runs as a function of the script bash reads, whose errors bash begins with "main: line N: ".
    expect(judgeCheck({ script: 'x' }, 127, 'main: line 143: /opt/x/bin/tool: No such file or directory\n').detail).toBe('not installed (/opt/x/bin/tool: No such file or directory)');
  });
});

describe('where a check found what it found (an `at` group in check.version)', () => {
  // cuda-toolkit's check prints which nvcc answered before its -V.
  const check = { script: 'x', pattern: /(?:^nvcc at (?<at>\S+?)(?:\/bin\/nvcc)?$[\s\S]*?)?release (?<version>\d+\.\d+)/m, wants: parseWants('13.4') };
  const nvcc = (dir: string) => `nvcc at ${dir}/bin/nvcc\nnvcc: NVIDIA (R) Cuda compiler driver\nCuda compilation tools, release 13.0, V13.0.88\n`;

  it('says where, for a wrong version and a satisfied one', () => {
    const wrong = judgeCheck(check, 0, nvcc('/usr/local/cuda-13.0'));
    expect(wrong).toEqual({ state: 'wrong', found: '13.0', at: '/usr/local/cuda-13.0', wants: '13.4', detail: 'found 13.0 at /usr/local/cuda-13.0, wants 13.4' });
    expect(describeStatus(wrong)).toBe('wrong version: found 13.0 at /usr/local/cuda-13.0, wants 13.4');
    expect(judgeCheck({ ...check, wants: parseWants('13.0') }, 0, nvcc('/opt/cuda')).detail).toBe('found 13.0 at /opt/cuda, wants 13.0');
  });

  it('says nothing of where when the check did not print it', () => {
    expect(judgeCheck(check, 0, 'Cuda compilation tools, release 13.0, V13.0.88\n')).toEqual({ state: 'wrong', found: '13.0', wants: '13.4', detail: 'found 13.0, wants 13.4' });
  });
});

describe('the state of a service the recipe starts', () => {
  const check = { script: 'x', pattern: /\(PostgreSQL\) (?<version>\d+(\.\d+)?)/ };
  const psql = 'psql (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n';

  it('says what was found and that the service is not running, not that the check fails', () => {
    const status = judgeCheck(check, 3, `${psql}service postgresql: not running\n`);
    expect(status).toEqual({ state: 'missing', found: '15.18', service: { name: 'postgresql', running: false }, detail: 'found 15.18; service postgresql: not running' });
    expect(describeStatus(status)).toBe('found 15.18; service postgresql: not running');
    expect(judgeCheck({ ...check, wants: parseWants('>=16') }, 3, `${psql}service postgresql: not running\n`).detail).toBe('found 15.18, wants >=16; service postgresql: not running');
  });

  it('says it is running when the check passes', () => {
    const status = judgeCheck(check, 0, `${psql}service postgresql: running\n`);
    expect(status).toMatchObject({ state: 'satisfied', found: '15.18', service: { name: 'postgresql', running: true } });
    expect(describeStatus(status)).toBe('satisfied: found 15.18; service postgresql: running');
  });

  it('is read by a check that runs the recipe\'s own first, and fails it when the service is not running', () => {
    const stopped = runCheck(withServiceState("echo 'tool 1.2'", 'rig-no-such-service'));
    expect(stopped).toEqual({ code: 3, output: "tool 1.2\nservice rig-no-such-service: not running\n" });
    expect(judgeCheck({ script: 'x', pattern: /tool (?<version>\S+)/ }, stopped.code, stopped.output).detail).toBe('found 1.2; service rig-no-such-service: not running');
    const absent = runCheck(withServiceState('echo nope; exit 7', 'rig-no-such-service'));
    expect(absent).toEqual({ code: 7, output: 'nope\n' });
    expect(runCheck(withServiceState("# the tool\necho 'tool 1.2'", 'x')).output).toMatch(/^tool 1\.2\nservice x: /);
  });
});
