import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { serve } from '../helpers/http.js';
import { rig } from '../helpers/rig.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

// A box in a temp folder: recipes that install a fake tool, its PATH entry and a built file, all under `root`.
function box(): { root: string; recipes: string; env: Record<string, string> } {
  const root = tempDir();
  const recipes = join(root, 'recipes');
  writeFiles(recipes, {
    'faketool.yaml': `name: faketool
summary: a fake tool on PATH
params:
  root: { default: "${root}" }
  version: { default: "1.2.3" }
check:
  run: faketool --version
  version: 'faketool (?<version>\\S+)'
  wants: "{{ params.version }}"
steps:
  - file: "{{ params.root }}/bin/faketool"
    content: |
      #!/bin/sh
      echo "faketool {{ params.version }}"
    mode: "0755"
  - env:
      path: ["{{ params.root }}/bin"]
  - run: mkdir -p {{ params.root }}/data && echo built >> {{ params.root }}/data/built
    creates: "{{ params.root }}/data/built"
verify:
  - run: faketool --version
    expect: '^faketool '
`,
    'counter.yaml': `name: counter
summary: a recipe without a check, decided by its step guards
params:
  root: { default: "${root}" }
steps:
  - run: echo ran >> {{ params.root }}/counter.log && touch {{ params.root }}/counter.done
    creates: "{{ params.root }}/counter.done"
`,
    'box.yaml': 'name: box\nsummary: the box\nrequires: [faketool, counter]\n',
    'failing.yaml': `name: failing
summary: a step that fails
params:
  root: { default: "${root}" }
check:
  run: test -f {{ params.root }}/never
steps:
  - run: 'echo "building…" && echo "fatal: could not frobnicate the widget" >&2 && exit 3'
    creates: "{{ params.root }}/never"
hints:
  - match: could not frobnicate
    say: Install libfrob-dev first.
`,
    'liar.yaml': `name: liar
summary: steps that do not make the check pass
params:
  root: { default: "${root}" }
check:
  run: test -f {{ params.root }}/never
steps:
  - run: echo done
    unless: "false"
`,
  });
  const env = { RIG_ENV_DIR: join(root, 'env'), RIG_STATE_DIR: join(root, 'state'), RIG_TARGET_STATE: join(root, 'tstate') };
  return { root, recipes, env };
}

function events(stdout: string): { type: string; [k: string]: unknown }[] {
  return stdout.trim().split('\n').map((l) => JSON.parse(l));
}

describe('apply on this machine', () => {
  it('installs what is missing, then a second apply runs no step', async () => {
    const b = box();
    const first = await rig(['apply', 'box', '--recipes', b.recipes], { env: b.env });
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toContain('✓ faketool: installed, found 1.2.3, wants 1.2.3');
    expect(first.stdout).toMatch(/done: 2 installed, 0 satisfied, 0 skipped, 4 steps run/);
    expect(execFileSync('bash', ['-c', `. ${b.env.RIG_ENV_DIR}/rig-faketool.sh && faketool --version`], { encoding: 'utf8' })).toBe('faketool 1.2.3\n');

    const second = await rig(['apply', 'box', '--recipes', b.recipes, '--json'], { env: b.env });
    expect(second.code).toBe(0);
    const evs = events(second.stdout);
    expect(evs.filter((e) => e.type.startsWith('step-'))).toEqual([]);
    expect(evs.filter((e) => e.type === 'recipe-done').map((e) => [e.id, (e.status as { state: string }).state, e.ran])).toEqual([
      ['faketool', 'satisfied', 0], ['counter', 'satisfied', 0], ['box', 'stack', 0],
    ]);
    expect(evs.at(-1)).toMatchObject({ type: 'run-done', ok: true, ran: 0 });
    expect(readFileSync(join(b.root, 'counter.log'), 'utf8')).toBe('ran\n');
  });

  it('changes a wrong version, running only the steps whose guard does not hold', async () => {
    const b = box();
    expect((await rig(['apply', 'faketool', '--recipes', b.recipes], { env: b.env })).code).toBe(0);
    const plan = await rig(['plan', 'faketool', '--recipes', b.recipes, '--set', 'faketool.version=2.0'], { env: b.env });
    expect(plan.stdout).toContain('~ faketool  wrong version: found 1.2.3, wants 2.0 — 3 steps');
    const res = await rig(['apply', 'faketool', '--recipes', b.recipes, '--set', 'faketool.version=2.0', '--json'], { env: b.env });
    const evs = events(res.stdout);
    expect(evs.filter((e) => e.type === 'step-done').map((e) => e.step)).toEqual([0]);
    expect(evs.filter((e) => e.type === 'step-skip').map((e) => [e.step, e.reason])).toEqual([[1, 'already done'], [2, 'already done']]);
    expect(evs.at(-1)).toMatchObject({ type: 'run-done', ok: true, ran: 1 });
  });

  it('stops at a failing step: exit 1, the command, its exit code, the tail of its output, the hint, the log', async () => {
    const b = box();
    const res = await rig(['apply', 'failing', '--recipes', b.recipes], { env: b.env });
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/✗ \[1\/1\] echo "building…" .*: exit 3\n\s+command:\n\s+echo "building…" && echo "fatal: could not frobnicate the widget" >&2 && exit 3\n/);
    expect(res.stdout).toContain('last lines of output (exit 3):');
    expect(res.stdout).toContain('| fatal: could not frobnicate the widget');
    expect(res.stdout).toContain('hint: Install libfrob-dev first.');
    const log = /log: (\S+)/.exec(res.stdout)![1]!;
    expect(readFileSync(log, 'utf8')).toContain('fatal: could not frobnicate the widget');
    expect(res.stdout).toMatch(/failed at failing/);
  });

  it('fails when the check still does not pass after the steps ran', async () => {
    const b = box();
    const res = await rig(['apply', 'liar', '--recipes', b.recipes], { env: b.env });
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('✗ liar: still not satisfied after its steps ran: not installed');
  });

  it('plan changes nothing (only rig\'s own recipe cache is written, in its state directory)', async () => {
    const b = box();
    const before = readdirSync(b.root).sort();
    const res = await rig(['plan', 'box', '--recipes', b.recipes], { env: b.env });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('+ faketool  not installed');
    expect(readdirSync(b.root).filter((f) => f !== 'state').sort()).toEqual(before);
  });
});

describe('downloads', () => {
  it('installs a verified download (sha256, or sha512 from a checksum file) from a loopback server and refuses a wrong sha256', async () => {
    const b = box();
    const payload = 'tool binary\n';
    const sha = createHash('sha256').update(payload).digest('hex');
    const server = await serve((path, res) => {
      if (path === '/tool.bin') res.end(payload);
      else if (path === '/SHA256SUMS') res.end(`${sha}  tool.bin\n${'0'.repeat(64)}  other.bin\n`);
      else if (path === '/tool.bin.sha512') res.end(`${createHash('sha512').update(payload).digest('hex')} *./tool.bin\n`);
      else res.writeHead(404).end();
    });
    try {
      writeFiles(b.recipes, {
        'dl.yaml': `name: dl\nsummary: s\nparams:\n  sha: { default: ${sha} }\ncheck:\n  run: cat ${b.root}/opt/tool.bin\nsteps:\n  - download: ${server.url}/tool.bin\n    sha256: "{{ params.sha }}"\n    to: ${b.root}/opt/tool.bin\n`,
        'dlsum.yaml': `name: dlsum\nsummary: s\ncheck:\n  run: cat ${b.root}/opt/sum.bin\nsteps:\n  - download: ${server.url}/tool.bin\n    sha256: { from: ${server.url}/SHA256SUMS }\n    to: ${b.root}/opt/sum.bin\n`,
        'dl512.yaml': `name: dl512\nsummary: s\ncheck:\n  run: cat ${b.root}/opt/512.bin\nsteps:\n  - download: ${server.url}/tool.bin\n    sha512: { from: ${server.url}/tool.bin.sha512 }\n    to: ${b.root}/opt/512.bin\n`,
        'dlbad.yaml': `name: dlbad\nsummary: s\ncheck:\n  run: cat ${b.root}/opt/bad.bin\nsteps:\n  - download: ${server.url}/tool.bin\n    sha256: ${'f'.repeat(64)}\n    to: ${b.root}/opt/bad.bin\n`,
      });
      const ok = await rig(['apply', 'dl', 'dlsum', 'dl512', '--recipes', b.recipes], { env: b.env });
      expect(ok.code, ok.stdout + ok.stderr).toBe(0);
      expect(readFileSync(join(b.root, 'opt/tool.bin'), 'utf8')).toBe(payload);
      expect(readFileSync(join(b.root, 'opt/sum.bin'), 'utf8')).toBe(payload);
      expect(readFileSync(join(b.root, 'opt/512.bin'), 'utf8')).toBe(payload);
      const bad = await rig(['apply', 'dlbad', '--recipes', b.recipes, '--retries', '0'], { env: b.env });
      expect(bad.code).toBe(1);
      expect(bad.stdout).toContain(`sha256 mismatch: got ${sha}, wanted ${'f'.repeat(64)}`);
      expect(existsSync(join(b.root, 'opt/bad.bin'))).toBe(false);
    } finally {
      await server.close();
    }
  });
});

// A recipe whose steps ran and whose check passes, but whose verify failed, is not done: the next apply verifies again.
describe('a recipe whose verify failed', () => {
  it('is not taken for satisfied by the next plan or apply until its verify passes', async () => {
    const root = tempDir();
    writeFiles(join(root, 'recipes'), {
      'tool.yaml': `name: tool\nsummary: s\ncheck:\n  run: cat ${root}/tool\nsteps:\n  - run: echo 1.0 > ${root}/tool\n    creates: ${root}/tool\nverify:\n  - run: test -f ${root}/works\n`,
    });
    const env = { RIG_STATE_DIR: join(root, 'state'), RIG_TARGET_STATE: join(root, 'tstate') };
    const args = ['tool', '--recipes', join(root, 'recipes')];
    const first = await rig(['apply', ...args], { env });
    expect(first.code).toBe(1);
    expect(first.stdout + first.stderr).toContain('verify failed');
    expect(first.stdout, 'no empty output tail').not.toMatch(/^\s+\| ?$/m);

    const plan = await rig(['plan', ...args], { env });
    expect(plan.stdout).toMatch(/tool +missing: found 1\.0, but its last run did not finish: its verify failed \(exit 1\): test -f /);
    const again = await rig(['apply', ...args], { env });
    expect(again.code, again.stdout).toBe(1);
    expect(again.stdout + again.stderr).toContain('verify failed');

    writeFiles(root, { works: '' });
    const fixed = await rig(['apply', ...args, '--json'], { env });
    expect(fixed.code, fixed.stdout).toBe(0);
    expect(fixed.stdout).toContain('"type":"recipe-done","id":"tool"');
    const noop = await rig(['apply', ...args, '--json'], { env });
    expect(noop.code).toBe(0);
    expect(noop.stdout).not.toContain('"recipe-start"');
    expect(JSON.parse(readFileSync(join(root, 'tstate', 'journal.json'), 'utf8'))).not.toHaveProperty('unfinished');
  });
});
