import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rig } from '../helpers/rig.js';
import { CONTAINERS_CONF, events, podman, podmanOk, skipReason, UBUNTU_IMAGES } from './podman.js';

// The built-in recipes that install from the distribution's own archive, applied on fresh minimal Ubuntu 20.04, 22.04
// and 24.04 images (no python3, as Docker's): release-specific package names (libgl1-mesa-glx or libgl1, gcc-9) and missing
// requires show up here. Each recipe's check and verify must pass after its steps, and a second apply must run nothing.
const APT_RECIPES = ['build-essential', 'gcc', 'cmake', 'python3-venv', 'git', 'curl', 'fonts-cjk', 'graphviz', 'openblas-dev', 'lapack', 'audio-libs', 'libgl', 'postgresql'];

const ofType = (stdout: string, type: string) => events(stdout).filter((e) => e.type === type);

describe.skipIf(skipReason)('built-in apt recipes on fresh Ubuntu images', () => {
  const state = mkdtempSync(join(tmpdir(), 'rig-ubuntu-state-'));
  const kept: string[] = [];
  const apply = (args: string[]) => rig(['apply', ...args, '--json'], { env: { CONTAINERS_CONF, RIG_STATE_DIR: state } });

  afterAll(async () => {
    for (const c of kept) await podman(['rm', '-f', '-t', '0', c]);
    rmSync(state, { recursive: true, force: true });
  });

  for (const [release, image] of Object.entries(UBUNTU_IMAGES)) {
    it(`${release}: every recipe installs, is checked and verified; a second apply runs nothing`, async () => {
      const res = await apply([...APT_RECIPES, '--target', `podman:${image}`, '--keep']);
      const name = /kept container (rig-[0-9a-f]+)/.exec(res.stderr)?.[1];
      if (name) kept.push(name);
      expect(res.code, `${res.stdout.slice(-4000)}\n${res.stderr}`).toBe(0);
      expect(ofType(res.stdout, 'run-done')[0]).toMatchObject({ ok: true });
      const again = await apply([...APT_RECIPES, '--target', `container:${name}`]);
      expect(again.code, again.stdout.slice(-4000)).toBe(0);
      expect(ofType(again.stdout, 'step-start')).toEqual([]);
      expect(ofType(again.stdout, 'run-done')[0]).toMatchObject({ ok: true, ran: 0, installed: [] });
    }, 900_000);
  }

  it('gcc listed before build-essential stays the default gcc: build-essential is installed first, not after it', async () => {
    const res = await apply(['gcc', 'build-essential', '--target', `podman:${UBUNTU_IMAGES.jammy}`, '--keep']);
    const name = /kept container (rig-[0-9a-f]+)/.exec(res.stderr)?.[1];
    if (name) kept.push(name);
    expect(res.code, `${res.stdout.slice(-4000)}\n${res.stderr}`).toBe(0);
    expect(await podmanOk(['exec', name!, 'gcc', '-dumpfullversion'])).toMatch(/^9\./);
    const again = await apply(['gcc', 'build-essential', '--target', `container:${name}`]);
    expect(ofType(again.stdout, 'run-done')[0]).toMatchObject({ ok: true, ran: 0 });
  }, 600_000);
});
