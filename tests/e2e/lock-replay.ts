import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { lockSchema, type Lock } from '../../src/lock/schema.js';
import { stackArgs } from '../faults/scenario.js';
import { serveSite, type Site } from '../faults/site.js';
import { recordedLock } from '../helpers/recorded-lock.js';
import { rig } from '../helpers/rig.js';
import { expectNoop, keeper, labSkipReason } from './lab.js';
import { CONTAINERS_CONF, podman, podmanOk } from './podman.js';

const VENV = '/opt/fault-venv';
const NVIDIA_SMI = fileURLToPath(new URL('../fixtures/nvidia-smi/', import.meta.url));
// Each stage waits on the distribution's archive (apt-get update, downloads) on a machine that may be loaded.
const STAGE_MS = 600_000;

// What a box has of what the fault stack installs: every package dpkg lists, the venv's distributions, the file's
// digest, the clone's commit, and the files under /opt (so that a refused replay can be shown to have changed nothing).
async function boxOf(name: string, packages?: string[]): Promise<Record<string, string>> {
  const sh = (script: string) => podman(['exec', name, 'bash', '-c', script]).then((r) => r.out.trim());
  return {
    dpkg: await podmanOk(['exec', name, 'dpkg-query', '-W', '-f=${Package} ${Version} ${db:Status-Status}\n', ...(packages ?? [])]),
    pip: await sh(`${VENV}/bin/python -m pip freeze --all 2>&1`),
    payload: await sh('sha256sum /opt/fault/payload.bin 2>&1'),
    commit: await sh('git -C /opt/fault/repo rev-parse HEAD 2>&1'),
    // A clone's working tree (.git's insides depend on how it was cloned: by tag, or by commit under a lock).
    opt: await sh("find /opt -path '*/.git/*' -prune -o -print | sort"),
  };
}

// What the stages hand on: the first box and its lock, and the box the lock is replayed on.
interface Replay {
  first: string;
  file: string;
  lock: Lock;
  second?: string;
}

// rig apply --locked on `image`, in stages: a lock made on one fresh container, refused on another when it cannot be
// honoured, replayed there, its drift found and undone; then the exported script and Dockerfile install the same.
export function replaySuite(image: string): void {
  const skipReason = labSkipReason('lock replay suite', [image]);
  describe.skipIf(skipReason)(`rig apply --locked replays a lock on another box (${image})`, () => {
    let site: Site;
    let dir: string;
    let env: Record<string, string>;
    let recipes: string[];
    let made: Replay | undefined;
    const keep = keeper();
    const started: string[] = [];
    const images: string[] = [];
    const replay = (): Replay => {
      if (!made) throw new Error('the lock was not made (see the first test)');
      return made;
    };
    const replayedOn = (): string => {
      const { second } = replay();
      if (!second) throw new Error('the lock was not replayed (see the earlier tests)');
      return second;
    };

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'rig-replay-'));
      site = await serveSite(join(dir, 'site'));
      env = { CONTAINERS_CONF, RIG_STATE_DIR: join(dir, 'state') };
      recipes = ['--recipes', stackArgs(site)[2]!];
    }, 120_000);
    afterAll(async () => {
      for (const c of started) await podman(['rm', '-f', '-t', '0', c]);
      if (images.length) await podman(['rmi', '-f', ...images]);
      await site?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const fresh = async () => {
      const name = `rig-e2e-replay-${randomBytes(4).toString('hex')}`;
      await podmanOk(['run', '-d', '--name', name, '--network', 'host', image, 'sleep', 'infinity']);
      started.push(name);
      return name;
    };
    const doctor = (name: string, file: string) => rig(['doctor', '--locked', file, ...recipes, '--target', `container:${name}`], { env });

    it('locks what an apply installed: each package with the archives that offered it, each wheel with its digest', async () => {
      const applied = await rig(['apply', ...stackArgs(site), '--target', `podman:${image}`, '--keep'], { env });
      const first = keep(applied)!;
      expect(applied.code, applied.stdout + applied.stderr).toBe(0);
      const file = join(dir, 'rig.lock');
      const locked = await rig(['lock', ...stackArgs(site), '--target', `container:${first}`, '-o', file], { env });
      expect(locked.code, locked.stderr).toBe(0);
      const lock = lockSchema.parse(parse(readFileSync(file, 'utf8')));
      expect(lock.request).toEqual(['fault-stack']);
      // Each package with the archives that offered its version, named as their Release files name them.
      expect(lock.apt!.git!.from).toEqual(expect.arrayContaining([expect.stringMatching(/^(Ubuntu jammy|Debian bookworm)(-updates|-security)?\/main$/)]));
      expect(lock.pip![`${VENV}/bin/python`]!.wheel).toMatchObject({ version: '0.38.4', sha256: [expect.stringMatching(/^[0-9a-f]{64}$/)] });
      made = { first, file, lock };
    }, STAGE_MS);

    it('refuses each lock that cannot be honoured before the box is changed at all', async () => {
      const { lock } = replay();
      const second = await fresh();
      // A GPU box with driver 535 (the stand-in nvidia-smi and that box's recorded answers), for a lock from a 580 box.
      await podmanOk(['cp', join(NVIDIA_SMI, 'nvidia-smi'), `${second}:/usr/bin/nvidia-smi`]);
      await podmanOk(['exec', second, 'mkdir', '-p', '/etc/nvidia-smi']);
      await podmanOk(['cp', join(NVIDIA_SMI, 'driver-535-a10.txt'), `${second}:/etc/nvidia-smi/box.txt`]);
      const before = await boxOf(second);
      const variant = (edit: (l: Lock) => void) => {
        const copy = structuredClone(lock);
        edit(copy);
        const path = join(dir, `bad-${randomBytes(3).toString('hex')}.lock`);
        writeFileSync(path, stringify(copy));
        return path;
      };
      const refusals: [string, (l: Lock) => void, RegExp][] = [
        ['a version the archive lacks', (l) => (l.apt!.git!.version = '1:9.9.9-9'), /^rig: {3}apt: git=1:9\.9\.9-9 is neither installed nor in the target's archive \(it was locked from (Ubuntu|Debian) \S+\/main\b.*\)$/m],
        ['a tampered hash', (l) => (l.pip![`${VENV}/bin/python`]!.wheel!.sha256 = ['0'.repeat(64)]), /^rig: {3}pip: wheel==0\.38\.4: no file of it on the index has a sha256 the lock lists/m],
        ['a commit the recipe does not clone from there', (l) => (l.git!['/opt/fault/repo']!.url = 'http://127.0.0.1:9/other.git'), /^rig: {3}git: \/opt\/fault\/repo \(fault-git\) clones http:\/\/127\.0\.0\.1:\d+\/repo\.git here, http:\/\/127\.0\.0\.1:9\/other\.git in the lock$/m],
      ];
      for (const [what, edit, said] of refusals) {
        const res = await rig(['apply', '--locked', variant(edit), ...recipes, '--target', `container:${second}`], { env });
        expect(res.code, `${what}: ${res.stdout}${res.stderr}`).toBe(2);
        expect(res.stderr, what).toMatch(/^rig: --locked \S+: the lock cannot be replayed on container:\S+; nothing was changed:$/m);
        expect(res.stderr, what).toMatch(said);
        expect(await boxOf(second), what).toEqual(before);
      }
      const otherDriver = join(dir, 'driver-580.lock');
      writeFileSync(otherDriver, stringify(recordedLock(['pytorch'], 'ubuntu-24.04-gpu-580')));
      const gpu = await rig(['apply', '--locked', otherDriver, '--target', `container:${second}`], { env });
      expect(gpu.code, gpu.stdout + gpu.stderr).toBe(2);
      expect(gpu.stderr).toMatch(/^rig: {3}pytorch: this box gives variant "cu\d+", the lock "cu13\d"$/m);
      expect(gpu.stderr).toMatch(/^rig: {3}the lock was made on another box: .*driver 535\.104\.05 here, 580\.\S+ in the lock/m);
      expect(await boxOf(second)).toEqual(before);
      await podmanOk(['exec', second, 'rm', '-rf', '/usr/bin/nvidia-smi', '/etc/nvidia-smi']);
      made!.second = second;
    }, STAGE_MS);

    it('replays the lock with no recipe named and no --set: the same packages, distributions, file and commit; then nothing', async () => {
      const { first, file } = replay();
      const second = replayedOn();
      const replayed = await rig(['apply', '--locked', file, ...recipes, '--target', `container:${second}`], { env });
      expect(replayed.code, replayed.stdout + replayed.stderr).toBe(0);
      expect(await boxOf(second)).toEqual(await boxOf(first));
      expectNoop(await rig(['apply', '--locked', file, ...recipes, '--target', `container:${second}`, '--json'], { env }));
      const clean = await doctor(second, file);
      expect(clean.code, clean.stdout + clean.stderr).toBe(0);
      expect(clean.stdout).toContain('the box is as the lock records');
    }, STAGE_MS);

    it('finds a clone that moved on from the lock, and the replay puts it back', async () => {
      const { file } = replay();
      const second = replayedOn();
      await podmanOk(['exec', second, 'git', '-C', '/opt/fault/repo', 'checkout', '-q', 'origin/main']);
      const moved = await podmanOk(['exec', second, 'git', '-C', '/opt/fault/repo', 'rev-parse', 'HEAD']);
      expect(moved).not.toBe(site.refCommit);
      const drifted = await doctor(second, file);
      expect(drifted.code, drifted.stdout).toBe(1);
      expect(drifted.stdout).toMatch(new RegExp(`^~ fault-git +not as locked: git /opt/fault/repo: at ${moved} here, ${site.refCommit} in the lock$`, 'm'));
      expect(drifted.stdout).toMatch(/^1 difference from the lock$/m);
      const undone = await rig(['apply', '--locked', file, ...recipes, '--target', `container:${second}`], { env });
      expect(undone.code, undone.stdout + undone.stderr).toBe(0);
      expect(await podmanOk(['exec', second, 'git', '-C', '/opt/fault/repo', 'rev-parse', 'HEAD'])).toBe(site.refCommit);
      expect((await doctor(second, file)).code).toBe(0);
    }, STAGE_MS);

    it('exports a script and a Dockerfile that install the locked versions, run on a box with curl and built by podman', async () => {
      const { first, file, lock } = replay();
      const third = await fresh();
      await podmanOk(['exec', third, 'bash', '-c', 'apt-get update -qq && apt-get install -y -qq --no-install-recommends curl >/dev/null']);
      const base = `localhost/rig-e2e-replay-base:${third}`;
      images.push(base);
      await podmanOk(['commit', '-q', third, base]);
      const names = Object.keys(lock.apt!);
      const want = await boxOf(first, names);
      // Exported as a script and run in the box.
      const script = join(dir, 'replay.sh');
      const exported = await rig(['export', 'sh', '--locked', file, ...recipes, '--target', `container:${third}`, '-o', script], { env });
      expect(exported.code, exported.stderr).toBe(0);
      await podmanOk(['cp', script, `${third}:/tmp/replay.sh`]);
      const ran = await podman(['exec', third, 'bash', '/tmp/replay.sh']);
      expect(ran.code, ran.out).toBe(0);
      const { opt: _, ...ranGot } = await boxOf(third, names);
      const { opt: __, ...ranWant } = want;
      expect(ranGot).toEqual(ranWant);
      // Exported as a Dockerfile from the box as it was before the script, and built.
      const tag = `localhost/rig-e2e-replay:${third}`;
      images.push(tag);
      const context = mkdtempSync(join(dir, 'context-'));
      const dockerfile = await rig(['export', 'dockerfile', '--locked', file, ...recipes, '--from', base, '-o', join(context, 'Dockerfile')], { env });
      expect(dockerfile.code, dockerfile.stderr).toBe(0);
      const built = await podman(['build', '--network', 'host', '-t', tag, context]);
      expect(built.code, built.out.split('\n').slice(-30).join('\n')).toBe(0);
      const fourth = `rig-e2e-replay-${randomBytes(4).toString('hex')}`;
      await podmanOk(['run', '-d', '--name', fourth, '--network', 'host', tag, 'sleep', 'infinity']);
      started.push(fourth);
      expect(await boxOf(fourth, names)).toEqual(want);
    }, STAGE_MS);
  });
}
