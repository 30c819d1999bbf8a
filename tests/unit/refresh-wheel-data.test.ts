import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';

const SCRIPT = 'scripts/refresh-wheel-data.mjs';
const PAGES = 'tests/fixtures/index-pages';
const made: string[] = [];

// Runs the script as a real process from the repository root.
function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

// A fresh temporary directory, removed after the test.
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'refresh-wheel-data-'));
  made.push(dir);
  return dir;
}

// A copy of a data file in a temporary directory.
function copyOf(file: string): string {
  const copy = join(tempDir(), file.split('/').pop()!);
  copyFileSync(file, copy);
  return copy;
}

// Today's date as the script writes it (local time).
function localDate(now = new Date()): string {
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

// The comment lines of a YAML text.
function comments(text: string): string[] {
  return text.split('\n').filter((line) => line.trimStart().startsWith('#'));
}

afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

type TorchRow = { version: string; torchvision: string; torchaudio: string; cuda: string[]; python: string; pypi: string; source?: string };

describe('refresh-wheel-data torch', () => {
  const shared = mkdtempSync(join(tmpdir(), 'refresh-wheel-data-'));
  const data = join(shared, 'pytorch.yaml');
  copyFileSync('recipes/data/pytorch.yaml', data);
  const result = run('torch', '--from', PAGES, '--data', data);
  const rows = parse(result.stdout) as TorchRow[];
  afterAll(() => rmSync(shared, { recursive: true, force: true }));

  it('prints one row per minor, newest patch, newest first, in the data file flow style', () => {
    expect(result.status).toBe(0);
    expect(rows.map((r) => r.version)).toEqual(['2.9.1', '2.7.1', '2.6.0', '2.5.1']);
    expect(result.stdout).toMatch(/^ {2}- \{ version: "2\.6\.0", torchvision: "0\.21\.0", torchaudio: "2\.6\.0", cuda: \[cu118, cu124, cu126\], python: ">=3\.9 <3\.14", pypi: cu124 \}$/m);
  });

  it('derives builds and Python ranges from Linux x86_64 wheels only', () => {
    const byVersion = Object.fromEntries(rows.map((r) => [r.version, r]));
    expect(byVersion['2.5.1']).toMatchObject({ cuda: ['cu118', 'cu121', 'cu124'], python: '>=3.9 <3.14' });
    expect(byVersion['2.7.1']).toMatchObject({ cuda: ['cu118', 'cu126', 'cu128'], python: '>=3.9 <3.14' });
    // cp313t/cp314t, ROCm, aarch64, macOS and Windows wheels leave no trace.
    expect(byVersion['2.9.1']).toMatchObject({ cuda: ['cu126', 'cu128', 'cu129', 'cu130'], python: '>=3.10 <3.15' });
    expect(result.stdout).not.toMatch(/rocm|cpu|2\.0\.1|2\.7\.0|dev/);
  });

  it('pairs torchvision (minor + 15) and torchaudio (same version) releases', () => {
    expect(rows.map((r) => [r.version, r.torchvision, r.torchaudio])).toEqual([
      ['2.9.1', '0.24.1', '2.9.1'],
      ['2.7.1', '0.22.1', '2.7.1'],
      ['2.6.0', '0.21.0', '2.6.0'],
      ['2.5.1', '0.20.1', '2.5.1'],
    ]);
    expect(result.stderr).toContain('torchvision for torch 2.7.1: 0.22.1 has no Linux x86_64 wheels for cu126');
  });

  it('keeps pypi and source from the data file for versions already there', () => {
    const existing = Object.fromEntries((parse(readFileSync(data, 'utf8')).torch as TorchRow[]).map((r) => [r.version, r]));
    for (const row of rows) {
      if (!existing[row.version]) continue;
      expect(row.pypi).toBe(existing[row.version].pypi);
      expect(row.source).toBe(existing[row.version].source);
    }
  });

  it('writes pypi "" and says so for a version the data file lacks', () => {
    const empty = join(tempDir(), 'pytorch.yaml');
    const text = readFileSync(data, 'utf8').replace(/^torch:\n(?:\s+.*\n)+/m, 'torch:\n  - { version: "1.0.0", torchvision: "", torchaudio: "", cuda: [], python: "", pypi: "" }\n');
    writeFileSync(empty, text);
    const fresh = run('torch', '--from', PAGES, '--data', empty);
    expect(fresh.status).toBe(0);
    expect((parse(fresh.stdout) as TorchRow[]).filter((r) => r.version !== '1.0.0').every((r) => r.pypi === '')).toBe(true);
    expect(fresh.stderr).toContain('torch 2.9.1 is new: pypi written as ""');
  });

  it('--write replaces the torch table of a copy and leaves comments and other tables alone', () => {
    const copy = copyOf('recipes/data/pytorch.yaml');
    const before = readFileSync(copy, 'utf8');
    const started = localDate();
    const written = run('torch', '--from', PAGES, '--data', copy, '--write');
    expect(written.status).toBe(0);
    const after = readFileSync(copy, 'utf8');
    const doc = parseDocument(after);
    expect(doc.errors).toEqual([]);
    const old = parse(before);
    const next = doc.toJS();
    expect((next.torch as TorchRow[]).map((r) => r.version)).toEqual(['2.9.1', '2.7.1', '2.6.0', '2.5.1']);
    expect(next.torch).toEqual(parse(written.stdout));
    expect(comments(after)).toEqual(comments(before));
    expect(next.source).toBe(old.source);
    expect(next.arches).toEqual(old.arches);
    expect([started, localDate()]).toContain(next.refreshed);
    expect(after.split('\n').filter((l) => l.startsWith('refreshed:'))).toHaveLength(1);
  });
});

describe('refresh-wheel-data paddle', () => {
  it('prints releases >= 3.0 from the per-build pages and keeps older rows', () => {
    const data = copyOf('recipes/data/paddle.yaml');
    const result = run('paddle', '--from', PAGES, '--data', data);
    expect(result.status).toBe(0);
    const out = parse(result.stdout) as { releases: { version: string; cuda: string[]; python: string }[]; wheels: Record<string, unknown>[] };
    const recent = out.releases.filter((r) => r.version.startsWith('3.'));
    expect(recent.map((r) => [r.version, r.cuda, r.python])).toEqual([
      ['3.3.1', ['cu118', 'cu126'], '>=3.11 <3.14'],
      ['3.2.2', ['cu129'], '>=3.11 <3.13'],
      ['3.1.1', ['cu129'], '>=3.11 <3.14'],
      ['3.0.0', ['cu118', 'cu126'], '>=3.10 <3.13'],
    ]);
    const old = parse(readFileSync(data, 'utf8'));
    const older = (rows: { version: string }[]) => rows.filter((r) => !r.version.startsWith('3.'));
    expect(older(out.releases)).toEqual(older(old.releases));
    expect(older(out.wheels as { version: string }[])).toEqual(older(old.wheels));
    expect(out.wheels.filter((w) => w.version === '3.0.0')).toEqual(['cpu', 'cu118', 'cu126'].map((variant) => ({
      version: '3.0.0', variant,
      requirement: variant === 'cpu' ? 'paddlepaddle==3.0.0' : 'paddlepaddle-gpu==3.0.0',
      index: `https://www.paddlepaddle.org.cn/packages/stable/${variant}/`, links: '', numpy: 'numpy', cudnn: '', local: false,
    })));
  });

  it('--write replaces releases and wheels of a copy, keeping comments and arches', () => {
    const copy = copyOf('recipes/data/paddle.yaml');
    const before = readFileSync(copy, 'utf8');
    const result = run('paddle', '--from', PAGES, '--data', copy, '--write');
    expect(result.status).toBe(0);
    const after = readFileSync(copy, 'utf8');
    expect(parseDocument(after).errors).toEqual([]);
    expect(comments(after)).toEqual(comments(before));
    expect(parse(after).arches).toEqual(parse(before).arches);
    expect(parse(after).releases[0].version).toBe('3.3.1');
  });
});

describe('refresh-wheel-data errors', () => {
  it('exits 2 with one line for bad flags and targets', () => {
    for (const args of [['torch', '--bogus'], [], ['tensorflow'], ['torch', '--min', 'two'], ['paddle', '--min', '3.0']]) {
      const result = run(...args);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stdout).toBe('');
    }
  });

  it('exits 1 with one line when a page cannot be read', () => {
    const result = run('torch', '--from', tempDir());
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toMatch(/^refresh-wheel-data: cannot read .*torch\.html: ENOENT$/);
  });
});
