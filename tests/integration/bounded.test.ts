import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeFacts } from '../helpers/facts.js';
import { serve } from '../helpers/http.js';
import { rig, type RigResult } from '../helpers/rig.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

// Every case here once hung rig, ran it out of memory or took minutes; each must end well within this.
const BOUND_MS = 20_000;
const TEST_MS = 60_000;

// Run rig and say how long it took.
async function timedRig(args: string[], env: Record<string, string> = {}): Promise<RigResult & { ms: number }> {
  const start = Date.now();
  const res = await rig(args, { env });
  return { ...res, ms: Date.now() - start };
}

function expectOneLine(res: RigResult & { ms: number }, text: string | RegExp): void {
  expect(res.ms).toBeLessThan(BOUND_MS);
  expect(res.code, res.stdout + res.stderr).toBe(2);
  const lines = res.stderr.trimEnd().split('\n');
  expect(lines, res.stderr).toHaveLength(1);
  if (typeof text === 'string') expect(lines[0]).toContain(text);
  else expect(lines[0]).toMatch(text);
}

function recipes(files: Record<string, string>): string {
  const dir = tempDir();
  writeFiles(dir, files);
  return dir;
}

const spinning = `printf 'a%.0s' $(seq 1 40); echo b`;

describe('recipe regexes that backtrack without end', () => {
  it('a check.version of (a+)+ is answered, not spun on', async () => {
    const dir = recipes({ 'spin.yaml': `name: spin\nsummary: s\ncheck:\n  run: ${spinning}\n  version: '^(a+)+$'\n` });
    const res = await timedRig(['plan', 'spin', '--recipes', dir]);
    expect(res.ms).toBeLessThan(BOUND_MS);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/spin\s+satisfied: installed/);
  }, TEST_MS);

  it('a hints.match of (a|aa)+ on a failed step\'s output is answered, not spun on', async () => {
    const dir = recipes({ 'hint.yaml': `name: hint\nsummary: s\nsteps:\n  - run: ${spinning}; exit 1\n    creates: /nonexistent/rig-hint\nhints:\n  - match: '^(a|aa)+$'\n    say: never shown\n` });
    const root = tempDir();
    const res = await timedRig(['apply', 'hint', '--recipes', dir], { RIG_ENV_DIR: join(root, 'env') });
    expect(res.ms).toBeLessThan(BOUND_MS);
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('aaaaab');
    expect(res.stdout).not.toContain('never shown');
  }, TEST_MS);

  it('one with a lookahead (no linear engine for it) is one line naming the recipe key, after its budget', async () => {
    const dir = recipes({ 'spinla.yaml': `name: spinla\nsummary: s\ncheck:\n  run: ${spinning}\n  version: '^(?=a)(a+)+$'\n` });
    expectOneLine(await timedRig(['plan', 'spinla', '--recipes', dir]), /^rig: \S+\/spinla\.yaml:5:12: check\.version: .* ran over 2 s/);
  }, TEST_MS);

  it('a check.version with two groups and none named version is refused at file:line:col', async () => {
    const dir = recipes({ 'twog.yaml': `name: twog\nsummary: s\ncheck:\n  run: echo 3.24\n  version: '(\\d+)\\.(\\d+)'\n` });
    expectOneLine(await timedRig(['validate', join(dir, 'twog.yaml')]), /^rig: \S+\/twog\.yaml:5:12: check\.version: 2 groups and none named version/);
  });
});

describe('files that are not small regular files', () => {
  it('a FIFO named X.yaml in --recipes: rig list says so in one line', async () => {
    const dir = tempDir();
    execFileSync('mkfifo', [join(dir, 'x.yaml')]);
    expectOneLine(await timedRig(['list', '--recipes', dir]), /^rig: \S+\/x\.yaml: cannot read recipe: not a regular file$/);
  }, TEST_MS);

  it('/dev/zero as a recipe, --facts or --mirror is never read', async () => {
    const dir = tempDir();
    symlinkSync('/dev/zero', join(dir, 'zero.yaml'));
    expectOneLine(await timedRig(['validate', join(dir, 'zero.yaml')]), 'zero.yaml: cannot read recipe: not a regular file');
    expectOneLine(await timedRig(['plan', 'zero', '--recipes', dir, '--no-probe']), 'zero.yaml: cannot read recipe: not a regular file');
    expectOneLine(await timedRig(['validate', '/dev/zero']), 'rig: /dev/zero: cannot read recipe: not a regular file');
    expectOneLine(await timedRig(['plan', 'cmake', '--facts', '/dev/zero']), 'rig: --facts /dev/zero: not a regular file');
    expectOneLine(await timedRig(['plan', 'cmake', '--mirror', '/dev/zero', '--no-probe']), 'rig: /dev/zero: cannot read mirror profile: not a regular file');
  }, TEST_MS);

  it('/dev/zero as a data file a derive reads is never read', async () => {
    const dir = recipes({ 'zeroed.yaml': 'name: zeroed\nsummary: s\nderive:\n  v: { use: table, with: { file: zero, table: t, where: { a: b }, get: c } }\n' });
    execFileSync('mkdir', [join(dir, 'data')]);
    symlinkSync('/dev/zero', join(dir, 'data', 'zero.yaml'));
    expectOneLine(await timedRig(['plan', 'zeroed', '--recipes', dir, '--no-probe']), /data\/zero\.yaml: cannot read data file: not a regular file$/);
  }, TEST_MS);

  it('a --facts or recipe file over 4 MiB is one line naming it', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'facts.json'), `${JSON.stringify(makeFacts())}${' '.repeat(4 * 1024 * 1024)}`);
    expectOneLine(await timedRig(['plan', 'cmake', '--facts', join(dir, 'facts.json')]), `--facts ${join(dir, 'facts.json')}: larger than 4 MiB`);
    writeFileSync(join(dir, 'big.yaml'), `name: big\nsummary: s\n#${'x'.repeat(4 * 1024 * 1024)}\n`);
    expectOneLine(await timedRig(['validate', join(dir, 'big.yaml')]), 'big.yaml: cannot read recipe: larger than 4 MiB');
  }, TEST_MS);
});

describe('flags that are not what they say', () => {
  it('--mirror with a URL that does not parse names the flag', async () => {
    expectOneLine(await timedRig(['plan', 'cmake', '--mirror', 'http://a b', '--no-probe']), 'rig: --mirror http://a b: not a valid URL');
  });

  it('--facts of {} or of relative paths names the flag, not a built-in recipe', async () => {
    const dir = tempDir();
    const write = (name: string, facts: object) => {
      writeFileSync(join(dir, name), JSON.stringify(facts));
      return join(dir, name);
    };
    expectOneLine(await timedRig(['plan', 'cmake', '--facts', write('empty.json', {})]), /^rig: --facts \S+empty\.json: os: /);
    expectOneLine(await timedRig(['plan', 'dev-base', '--facts', write('home.json', makeFacts({ home: '$(id)' }))]), /^rig: --facts \S+home\.json: home: expected an absolute path, got "\$\(id\)"/);
    expectOneLine(await timedRig(['plan', 'cuda-toolkit', '--facts', write('env.json', makeFacts({ envDir: 'rel' }))]), /^rig: --facts \S+env\.json: envDir: expected an absolute path/);
  }, TEST_MS);
});

describe('requires thousands deep', () => {
  it('rig validate finds a cycle 5000 long, in one line', async () => {
    const files = Object.fromEntries(Array.from({ length: 5001 }, (_, i) => [`r${i}.yaml`, `name: r${i}\nsummary: s\nrequires: [r${(i + 1) % 5001}]\n`]));
    const dir = recipes(files);
    expectOneLine(await timedRig(['validate', dir]), /^rig: \S+\/r5000\.yaml:3:12: requires form a cycle: r0 → r1 → .* → r5 → … 4990 more … → r4996 → .* → r5000 → r0$/);
  }, TEST_MS);
});

describe('downloads keep to their step\'s timeout', () => {
  const sha = createHash('sha256').update('x').digest('hex');
  const dl = (url: string, root: string, digest = sha) =>
    `name: dl\nsummary: s\ncheck:\n  run: test -f ${root}/out\nsteps:\n  - download: ${url}\n    sha256: ${digest}\n    to: ${root}/out\n    timeout: 4\n    retries: 0\n`;

  async function applyAgainst(route: (path: string, res: import('node:http').ServerResponse) => void, recipe: (url: string, root: string) => string): Promise<RigResult & { ms: number }> {
    const server = await serve(route);
    try {
      const root = tempDir();
      writeFiles(join(root, 'recipes'), { 'dl.yaml': recipe(server.url, root) });
      return await timedRig(['apply', 'dl', '--recipes', join(root, 'recipes')], { RIG_ENV_DIR: join(root, 'env') });
    } finally {
      await server.close();
    }
  }

  const stall = (_path: string, res: import('node:http').ServerResponse) => {
    res.writeHead(200, { 'content-length': 1000 });
    res.write('x');
  };

  it('a server that sends headers and then nothing', async () => {
    const res = await applyAgainst(stall, (url, root) => dl(`${url}/file`, root));
    expect(res.ms).toBeLessThan(BOUND_MS);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/\/file: no data for 2 s after 1 bytes/);
  }, TEST_MS);

  it('a server that never answers', async () => {
    const res = await applyAgainst(() => undefined, (url, root) => dl(`${url}/file`, root));
    expect(res.ms).toBeLessThan(BOUND_MS);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/\/file: no response after 2 s/);
  }, TEST_MS);

  it('a server that trickles without end', async () => {
    const trickle = (_path: string, res: import('node:http').ServerResponse) => {
      res.writeHead(200);
      const timer = setInterval(() => res.write('x'), 100);
      res.on('close', () => clearInterval(timer));
    };
    const res = await applyAgainst(trickle, (url, root) => dl(`${url}/file`, root));
    expect(res.ms).toBeLessThan(BOUND_MS);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/\/file: not done after 4 s \(the step's timeout\), \d+ bytes received/);
  }, TEST_MS);

  it('a checksum file that stalls', async () => {
    const res = await applyAgainst(stall, (url, root) => dl(`${url}/file`, root, `{ from: "${url}/SHA256SUMS" }`));
    expect(res.ms).toBeLessThan(BOUND_MS);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/\/SHA256SUMS: no data for 2 s after 1 bytes/);
  }, TEST_MS);
});
