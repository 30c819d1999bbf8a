import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { WANTS_FUNCTION, wantsCommand } from '../../src/export/wants-check.js';
import type { PlannedCheck } from '../../src/plan/types.js';
import { shq } from '../../src/shell/quote.js';
import { extractVersion } from '../../src/version/extract.js';
import { parseWants } from '../../src/version/wants.js';

// Requirements of every form rig reads (tests/unit/version.test.ts has their meaning), and versions around them.
const WANTS = [
  '3.24.0', '2.3.0+cu121', '2.5.2.post120', '3.0.0b2', '3', '*', '>=3.20', '>=3.20 <4', '^2.5', '~3.10', '3.x', '1.2 - 1.4',
  '>=1 <2 || >=3', '>=550', '<=1.2', '>=1.0.0-beta.2', '>=2.5,<3', '~=3.8', '~=1.4.5', '!=1.2', '==3.1.*', '>=3.8,!=3.9.*',
  '<3.0,>=2', '<3.0rc2,>=2', '>1.0,<2', '===2.6.0', '==2.6.0', '12.8',
];
const VERSIONS = [
  '3.24.0', '3.24', 'v3.24.0', '3.24.0+local', '3.24.1', '3.24.0.post1', '3.24.0rc1', '2.3.0+cu121', '2.3.0', '2.3.0+cpu',
  '2.5.2.post120', '2.5.2', '3.0.0b2', '3.0.0-beta.2', '3.0.0rc1', '3.0.0.dev1', '3.11.7', '1.0.post1', '1.0.0a5', '3.9.18',
  '550.54.15', '535.104.05', '2.6.0', '2.6.0+CU124', '12.8.93', '1.1.1f', '4.0.0a1', '2.6.0.dev20241112',
];

interface Case {
  check: PlannedCheck;
  output: string;
}

// What rig itself decides of a check's output: the version found and tested against what is wanted.
function rigSays({ check, output }: Case): boolean {
  const found = extractVersion(output, check.pattern);
  return found !== undefined && check.wants!.test(found);
}

// What the exported script decides, all cases in one bash run.
function scriptSays(cases: Case[]): boolean[] {
  const lines = [WANTS_FUNCTION, ...cases.map(({ check, output }, i) => `rig_out=${shq(output)}; if ${wantsCommand(check)} 2>/dev/null; then echo "${i} 1"; else echo "${i} 0"; fi`)];
  const out = execFileSync('bash', [], { input: lines.join('\n'), encoding: 'utf8', maxBuffer: 1 << 24 });
  const said = new Map(out.trim().split('\n').map((l) => l.split(' ') as [string, string]));
  return cases.map((_, i) => said.get(String(i)) === '1');
}

function compare(cases: Case[]): void {
  const script = scriptSays(cases);
  const differ = cases.filter((c, i) => rigSays(c) !== script[i]).map((c) => `${c.check.wants!.text} ← ${JSON.stringify(c.output)} (rig: ${rigSays(c)})`);
  expect(differ).toEqual([]);
}

describe('the version test of an exported script', () => {
  it('agrees with rig on every requirement form and version, found by a pattern', () => {
    const pattern = /^tool (?<version>\S+)$/m;
    compare(WANTS.flatMap((w) => VERSIONS.map((v) => ({ check: { script: '', pattern, wants: parseWants(w) }, output: `banner\ntool ${v}\n` }))));
  });

  it('finds the version as rig does: the first version-looking token, group 1, the whole match, punctuation trimmed', () => {
    const outputs = ['cmake version 3.25.1\n\nCMake suite', 'Python 3.10.12', 'go version go1.21.0 linux/amd64', '(3.0.0b2)', 'nothing here', 'Cuda compilation tools, release 12.4, V12.4.131', '2.6.0+cu124.'];
    const patterns = [undefined, /release (\d+\.\d+)/, /V\d+\.\d+\.\d+/, /(?<version>\d+\.\d+)\.\d+/i];
    const wants = ['>=3.10', '12.4', '^3', '2.6.0', '*'];
    compare(patterns.flatMap((pattern) => wants.flatMap((w) => outputs.map((output) => ({ check: { script: '', ...(pattern ? { pattern } : {}), wants: parseWants(w) }, output })))));
  });

  it('says what it found and what is wanted when the version is wrong', () => {
    const check: PlannedCheck = { script: '', wants: parseWants('>=3.20') };
    const run = (output: string) => {
      try {
        execFileSync('bash', ['-c', `${WANTS_FUNCTION}\nrig_out=${shq(output)}\n${wantsCommand(check)}`], { encoding: 'utf8', stdio: 'pipe' });
        return 'ok';
      } catch (err) {
        return String((err as { stderr: string }).stderr).trim();
      }
    };
    expect(run('cmake version 3.16.3')).toBe('found 3.16.3, wants >=3.20');
    expect(run('cmake: no version')).toBe('installed, but its version cannot be read from "cmake: no version", wants >=3.20');
    expect(run('cmake version 3.25.1')).toBe('ok');
  });
});
