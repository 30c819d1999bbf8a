import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Catalog } from '../../src/recipe/catalog.js';
import { rig } from '../helpers/rig.js';
import { CONTAINERS_CONF, events, podman, podmanOk, skipReason } from './podman.js';
import { isDebian, RELEASES, SuiteImages, type Release } from './release-images.js';

// Each built-in recipe that installs from what is reachable here (the distribution's own archive), applied alone on fresh
// minimal Debian 11, 12 and 13 and Ubuntu 20.04, 22.04 and 24.04 images (no python3, as the official images): missing
// requires and package names that differ by release show up here. After its steps rig checks each recipe again and runs
// its verify; a second apply in the same container must run nothing.

interface Applied {
  recipe: string;
  // Flags the recipe needs on a release (params it has no default for, or a default the release lacks).
  args?: (release: Release) => string[];
  // The recipe it requires: it starts from the container that recipe's own test left (committed), where rig would install
  // the same first, so that only its own steps run again.
  after?: string;
}

// The gcc each release's test makes the default: the recipe's 9 where the archive has it and it is not already the release's
// own (build-essential's), else one the archive has (data/distros.yaml); the recipe refuses a gcc-9 the archive lacks.
const GCC: Record<Release, string> = { bullseye: '9', bookworm: '11', trixie: '12', focal: '10', jammy: '9', noble: '9' };
const mirrored = (recipe: string): Applied => ({ recipe, args: () => ['--set', `${recipe}.mirror=tuna`] });

// The recipes applied, the slowest first (so that the suite does not end on one of them).
const APPLIED: Applied[] = [
  { recipe: 'build-essential' },
  { recipe: 'postgresql' },
  { recipe: 'audio-libs' },
  { recipe: 'python3-venv' },
  { recipe: 'graphviz' },
  { recipe: 'openblas-dev', after: 'build-essential' },
  { recipe: 'lapack', after: 'build-essential' },
  { recipe: 'gcc', after: 'build-essential', args: (r) => ['--set', `gcc.version=${GCC[r]}`] },
  { recipe: 'postgresql-db', after: 'postgresql', args: () => ['--set', 'postgresql-db.user=app', '--set', 'postgresql-db.db=appdb', '--set', 'postgresql-db.password=s3cret'] },
  { recipe: 'cmake' },
  { recipe: 'git' },
  { recipe: 'libgl' },
  { recipe: 'curl' },
  { recipe: 'fonts-cjk' },
  // The archive the image already uses, by https: the sources change, and apt reads them.
  { recipe: 'apt-mirror', args: (r) => ['--set', `apt-mirror.mirror=${isDebian(r) ? 'https://deb.debian.org/debian' : 'https://archive.ubuntu.com/ubuntu'}`] },
  ...['pip-mirror', 'conda-mirror', 'go-mirror', 'rustup-mirror', 'hf-mirror', 'npm-mirror', 'python-build-mirror'].map(mirrored),
];

const PIP = "pip from PyPI: not reachable here, and the stand-in indexes (tests/e2e/wheels.ts) carry only the frameworks and ml-cpu's packages";
const FRAMEWORK = 'pip: applied from the stand-in PyPI and PyTorch/Paddle indexes in tests/e2e/gpu-stacks.test.ts';
const ML_CPU = 'pip: applied from the stand-in indexes as part of ml-cpu in tests/e2e/ml-stacks.test.ts';
const GITHUB = 'clones from github.com: not reachable here; its commands are in tests/recipes/plans/';

// The built-in recipes not applied here, and why.
const NOT_APPLIED: Record<string, string> = {
  conda: 'downloads its installer from repo.anaconda.com: not reachable here; its commands are in tests/recipes/plans/',
  'cuda-toolkit': 'downloads from developer.download.nvidia.com: not reachable here; applied from a stand-in NVIDIA site in tests/e2e/cuda-toolkit.test.ts',
  'dev-base': 'a stack with no steps of its own: build-essential, git, curl, cmake and python3-venv are each applied alone here',
  dolphinscheduler: 'downloads its release from archive.apache.org: not reachable here; its commands are in tests/recipes/plans/',
  elasticsearch: 'downloads its release from artifacts.elastic.co: not reachable here; its commands are in tests/recipes/plans/',
  faiss: FRAMEWORK,
  'faiss-source': GITHUB,
  go: 'downloads from go.dev: not reachable here; its commands are in tests/recipes/plans/',
  googletest: GITHUB,
  'graphviz-python': ML_CPU,
  jupyter: ML_CPU,
  'matplotlib-cjk': ML_CPU,
  'ml-cpu': 'a stack of apt and pip recipes: applied from the stand-in indexes in tests/e2e/ml-stacks.test.ts',
  'ml-gpu': 'a stack with CUDA and pip recipes: applied from the stand-in NVIDIA site and indexes in tests/e2e/ml-stacks.test.ts',
  'modelscope-set': PIP,
  'nlp-tools': PIP,
  openblas: GITHUB,
  paddle: FRAMEWORK,
  'paddle-ocr': `a stack of pip recipes; ${PIP}`,
  'paddle-source': GITHUB,
  'paddle-speech': `a stack of pip recipes; ${PIP}`,
  paddlenlp: PIP,
  paddleocr: PIP,
  paddlespeech: PIP,
  'pdf-tools': PIP,
  pyenv: GITHUB,
  'pyenv-venv': 'builds a Python that pyenv (from github.com) downloads from python.org: neither is reachable here',
  'python-source': 'downloads from python.org: not reachable here; its commands are in tests/recipes/plans/',
  pytorch: FRAMEWORK,
  'pytorch-source': GITHUB,
  rust: 'downloads rustup-init from static.rust-lang.org: not reachable here; its commands are in tests/recipes/plans/',
  'search-box': `a stack of pip and download recipes; ${PIP}`,
  'seed-box': `a stack of pip and download recipes; ${PIP}`,
  'sql-tools': PIP,
  transformers: FRAMEWORK,
  visualdl: PIP,
};

type Status = { state: string; detail: string };
type Ev = { type: string; id?: string; status?: Status; recipes?: { id: string; status: Status }[] };

// A promise with its resolvers: the image a recipe's test leaves, for the recipes that start from it.
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

// A value made once per key, when it is first asked for.
function once<K, V>(make: (key: K) => V): (key: K) => V {
  const made = new Map<K, V>();
  return (key) => (made.has(key) ? made.get(key)! : made.set(key, make(key)).get(key)!);
}

describe.skipIf(skipReason)('each built-in recipe alone on fresh Debian and Ubuntu images', () => {
  const state = mkdtempSync(join(tmpdir(), 'rig-alone-state-'));
  const images = new SuiteImages('rig-alone');
  // Each release's image with package lists, made when a test first needs it.
  const listed = once((release: Release) => images.withPackageLists(release));
  const starts = new Set(APPLIED.flatMap((a) => (a.after ? [a.after] : [])));
  // The image each recipe that others start from leaves, by `recipe@release`.
  const left = once((_recipeAtRelease: string) => deferred<string>());
  const apply = (args: string[]) => rig(['apply', ...args, '--json'], { env: { CONTAINERS_CONF, RIG_STATE_DIR: state } });

  afterAll(async () => {
    await images.removeAll();
    rmSync(state, { recursive: true, force: true });
  });

  it('every built-in recipe is applied here or listed with the reason it is not', () => {
    const named = [...APPLIED.map((a) => a.recipe), ...Object.keys(NOT_APPLIED)].sort();
    expect(named).toEqual(new Catalog().names());
  });

  it.concurrent('gcc listed before build-essential stays the default gcc: build-essential is installed first, not after it', async () => {
    const box = await images.start(await listed('jammy'));
    try {
      const res = await apply(['gcc', 'build-essential', '--target', `container:${box}`]);
      expect(res.code, `${res.stdout.slice(-4000)}\n${res.stderr}`).toBe(0);
      expect(await podmanOk(['exec', box, 'gcc', '-dumpfullversion'])).toMatch(/^9\./);
      const again = await apply(['gcc', 'build-essential', '--target', `container:${box}`]);
      expect(events(again.stdout).find((e) => e.type === 'run-done')).toMatchObject({ ok: true, ran: 0 });
    } finally {
      await podman(['rm', '-f', '-t', '0', box]);
    }
  }, 600_000);

  describe.concurrent.each(APPLIED)('$recipe', ({ recipe, args, after }) => {
    it.for(RELEASES)(`%s: installs, is checked and verified; a second apply runs nothing`, { timeout: 600_000 }, async (release, { skip }) => {
      const from = await (after ? left(`${after}@${release}`).promise : listed(release));
      const box = await images.start(from);
      try {
        const res = await apply([recipe, ...(args?.(release) ?? []), '--target', `container:${box}`]);
        const evs = events(res.stdout) as Ev[];
        const planned = evs.find((e) => e.type === 'run-start')?.recipes ?? [];
        const own = planned.find((p) => p.id === recipe);
        if (own?.status.state === 'skipped') return skip(`its when: ${own.status.detail}`);
        expect(res.code, `${res.stdout.slice(-4000)}\n${res.stderr}`).toBe(0);
        expect(own?.status.state, 'not installed in a fresh container').toMatch(/^(missing|wrong)$/);
        // A recipe is done when its check passes again after its steps (the status says what it found) and then every verify
        // passes; a failing one ends the recipe with recipe-fail instead.
        expect(evs.filter((e) => e.type === 'recipe-fail')).toEqual([]);
        const done = new Map(evs.filter((e) => e.type === 'recipe-done').map((e) => [e.id, e.status]));
        for (const p of planned.filter((p) => p.status.state !== 'satisfied')) {
          expect(done.get(p.id), p.id).toMatchObject({ state: 'satisfied', detail: expect.stringMatching(/^(found|installed)/) });
        }
        expect(evs.find((e) => e.type === 'run-done')).toMatchObject({ ok: true });
        const again = await apply([recipe, ...(args?.(release) ?? []), '--target', `container:${box}`]);
        expect(again.code, again.stdout.slice(-4000)).toBe(0);
        expect(events(again.stdout).filter((e) => e.type === 'step-start')).toEqual([]);
        expect(events(again.stdout).find((e) => e.type === 'run-done')).toMatchObject({ ok: true, ran: 0, installed: [] });
        if (starts.has(recipe)) left(`${recipe}@${release}`).resolve(await images.commit(box, `${recipe}-${release}`));
      } catch (err) {
        if (starts.has(recipe)) left(`${recipe}@${release}`).reject(new Error(`${recipe} did not install on ${release}`));
        throw err;
      } finally {
        await podman(['rm', '-f', '-t', '0', box]);
      }
    });
  });
});
