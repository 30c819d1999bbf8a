import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { lockSchema } from '../../src/lock/schema.js';
import { stackArgs } from '../faults/scenario.js';
import { serveSite, type Site } from '../faults/site.js';
import { rig } from '../helpers/rig.js';
import { tempDir } from '../helpers/temp.js';
import { keeper, labSkipReason } from './lab.js';
import { CONTAINERS_CONF, DEBIAN_IMAGES, DEBIAN_WHEELS, podmanOk, UBUNTU_IMAGES } from './podman.js';

const IMAGES = [UBUNTU_IMAGES.jammy, DEBIAN_IMAGES.bookworm];
const skipReason = labSkipReason('lock suite', IMAGES);
const VENV_PYTHON = '/opt/fault-venv/bin/python';

const sha256Of = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

// A distribution name as PEP 503 normalizes it.
const normalized = (name: string) => name.replace(/[-_.]+/g, '-').toLowerCase();

// rig lock: a stack of apt, pip (loopback index), git and download steps applied in a fresh container, then locked.
describe.skipIf(skipReason)('rig lock records what a box resolved to', () => {
  let site: Site;
  let siteDir: string;
  const keep = keeper();

  // Served for every test of the suite (a tempDir is removed after each test).
  beforeAll(async () => {
    siteDir = mkdtempSync(join(tmpdir(), 'rig-lock-site-'));
    site = await serveSite(siteDir);
  }, 120_000);
  afterAll(async () => {
    await site?.close();
    rmSync(siteDir, { recursive: true, force: true });
  });

  for (const image of IMAGES) {
    it(`on ${image}: the versions dpkg and pip report, the download's digest, the clone's commit; the same box, the same bytes`, async () => {
      const root = tempDir();
      const env = { CONTAINERS_CONF, RIG_STATE_DIR: join(root, 'state') };
      const applied = await rig(['apply', ...stackArgs(site), '--target', `podman:${image}`, '--keep'], { env });
      const name = keep(applied);
      expect(applied.code, applied.stdout + applied.stderr).toBe(0);
      const lockOf = (file: string) => rig(['lock', ...stackArgs(site), '--target', `container:${name}`, '-o', file], { env });
      const first = await lockOf(join(root, 'a.lock'));
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toMatch(/^wrote \S+a\.lock: 7 recipes, \d+ apt packages, \d+ pip distributions in 1 interpreter, 1 download, 1 clone$/);
      expect((await lockOf(join(root, 'b.lock'))).code).toBe(0);
      const text = readFileSync(join(root, 'a.lock'), 'utf8');
      expect(readFileSync(join(root, 'b.lock'), 'utf8')).toBe(text);
      const lock = lockSchema.parse(parse(text));

      const names = Object.keys(lock.apt ?? {});
      // The packages the steps name, and every installed package they need (git needs git-man, at its own version).
      expect(names).toEqual(expect.arrayContaining(['ca-certificates', 'git', 'python3-venv', 'git-man', 'libc6']));
      expect(lock.apt!.git!.requires).toEqual(expect.arrayContaining(['git-man', 'libc6']));
      const dpkg = await podmanOk(['exec', name!, 'dpkg-query', '-W', '-f=${Package} ${Version} ${Architecture}\n', ...names]);
      expect(Object.entries(lock.apt!).map(([n, p]) => `${n} ${p.version} ${p.arch}`).sort()).toEqual(dpkg.split('\n').sort());

      const freeze = await podmanOk(['exec', name!, VENV_PYTHON, '-m', 'pip', 'freeze', '--all']);
      const frozen = Object.fromEntries(freeze.split('\n').map((l) => l.split('==')).map(([n, v]) => [normalized(n!), v]));
      const pip = lock.pip![VENV_PYTHON]!;
      expect(Object.keys(lock.pip!)).toEqual([VENV_PYTHON]);
      expect(Object.fromEntries(Object.entries(pip).map(([n, d]) => [n, d.version]))).toEqual(frozen);
      // The loopback index serves Debian's wheels: each distribution it has that version of carries that file's sha256.
      expect(pip.wheel!.sha256).toEqual([sha256Of(`${DEBIAN_WHEELS}/wheel-0.38.4-py3-none-any.whl`)]);
      expect(frozen).toMatchObject({ wheel: '0.38.4', setuptools: '66.1.1' });

      expect(lock.downloads).toEqual({ [`${site.url}/payload.bin`]: { sha256: site.payloadSha256 } });
      expect(lock.git).toEqual({ '/opt/fault/repo': { url: `${site.url}/repo.git`, commit: site.refCommit } });
      expect(lock.box).toMatchObject({ os: image === UBUNTU_IMAGES.jammy ? 'ubuntu 22.04' : 'debian 12', arch: 'x86_64', driver: '' });
      expect(lock.recipes['fault-download']).toEqual({ params: { url: `${site.url}/payload.bin`, sha256: site.payloadSha256 } });

      // A box where a recipe is not satisfied is not locked, and no file is written.
      await podmanOk(['exec', name!, 'rm', '/opt/fault/payload.bin']);
      const refused = await lockOf(join(root, 'c.lock'));
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/^rig: fault-download is not satisfied on container:rig-[0-9a-f]+: /m);
      expect(refused.stderr).toContain('rig: nothing locked; apply first: rig apply fault-stack');
      expect(existsSync(join(root, 'c.lock'))).toBe(false);
    }, 600_000);
  }
});
