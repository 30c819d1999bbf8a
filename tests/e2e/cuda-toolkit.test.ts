import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { rig } from '../helpers/rig.js';
import { nvidiaMirror, runfileOf, serveNvidia } from './cuda-nvidia.js';
import { nvccOutput } from './cuda-runfile.js';
import { eventsOf, expectNoop, expectOk, labSkipReason, standInLab } from './lab.js';
import { podman, podmanOk, UBUNTU_IMAGES } from './podman.js';

// `rig apply cuda-toolkit` (the runfile method) in real Ubuntu containers, from a stand-in developer.download.nvidia.com
// on loopback (tests/e2e/cuda-nvidia.ts, reached through a --mirror profile's rewrite) serving stand-in runfiles
// (tests/e2e/cuda-runfile.ts) and NVIDIA's md5sum.txt, on boxes answering as recorded ones do (tests/fixtures/nvidia-smi).
// Each case is proved by what is left on the box: the toolkit directory of the release rig's planner picks for that
// box's recorded facts, the /usr/local/cuda link, and nvcc -V, as the recorded release prints it, in a login shell.

const skipReason = labSkipReason('cuda-toolkit container suite', [UBUNTU_IMAGES.jammy, UBUNTU_IMAGES.noble]);

interface Case {
  title: string;
  image: string;
  answers?: string;
  // The recorded facts of the same box (tests/fixtures/facts), planned with --facts to learn the release rig picks.
  facts: string;
  set?: string[];
  release: string;
}

const CASES: Case[] = [
  { title: 'Ubuntu 22.04, NVIDIA A10 on driver 535, version auto', image: UBUNTU_IMAGES.jammy, answers: 'driver-535-a10.txt', facts: 'ubuntu-22.04-gpu-535.json', release: '12.9.2' },
  { title: 'Ubuntu 24.04, NVIDIA H200 on driver 580, version auto', image: UBUNTU_IMAGES.noble, answers: 'driver-580-h200.txt', facts: 'ubuntu-24.04-gpu-580.json', release: '13.4.1' },
  { title: 'Ubuntu 22.04 without a GPU, version auto', image: UBUNTU_IMAGES.jammy, facts: 'ubuntu-22.04.json', release: '13.4.1' },
  { title: 'Ubuntu 22.04, NVIDIA A10 on driver 535, version 12.4.1 (the seed notes)', image: UBUNTU_IMAGES.jammy, answers: 'driver-535-a10.txt', facts: 'ubuntu-22.04-gpu-535.json', set: ['cuda-toolkit.version=12.4.1'], release: '12.4.1' },
];
const FACTS = fileURLToPath(new URL('../fixtures/facts/', import.meta.url));
const RELEASES = [...new Set(CASES.map((c) => c.release))];
const majmin = (release: string) => release.split('.').slice(0, 2).join('.');
const sh = (container: string, script: string) => podman(['exec', container, 'bash', '-c', script]);

// The release `rig plan` picks for a recorded box: the one its download step fetches.
async function plannedRelease(c: Case): Promise<string | undefined> {
  const res = await rig(['plan', 'cuda-toolkit', '--facts', join(FACTS, c.facts), '--no-probe', '--json', ...(c.set ?? []).flatMap((s) => ['--set', s])]);
  const plan = JSON.parse(res.stdout) as { recipes: { id: string; steps: { kind: string; title: string }[] }[] };
  const download = plan.recipes.find((r) => r.id === 'cuda-toolkit')?.steps.find((s) => s.kind === 'download');
  return /cuda_(\d+\.\d+\.\d+)_/.exec(download?.title ?? '')?.[1];
}

describe.skipIf(skipReason)('rig apply cuda-toolkit in Ubuntu containers, from a stand-in developer.download.nvidia.com', () => {
  const lab = standInLab('cuda-toolkit', (www) => serveNvidia(www, RELEASES), nvidiaMirror);
  let tampered: string;
  let unlisted: string;

  beforeAll(() => {
    tampered = lab.write('tampered.yaml', nvidiaMirror(lab.server.url, 'tampered'));
    unlisted = lab.write('unlisted.yaml', nvidiaMirror(lab.server.url, 'unlisted'));
  });

  // rig apply cuda-toolkit with a state directory of its own (so each case fetches its runfile itself).
  function apply(args: string[], mirror = lab.mirror) {
    return lab.apply(['cuda-toolkit', ...args], { mirror, state: mkdtempSync(join(lab.dir, 'state-')) });
  }

  // The CUDA directories under /usr/local of a container, and where /usr/local/cuda points.
  async function toolkits(container: string): Promise<{ dirs: string[]; link: string }> {
    const dirs = (await sh(container, 'ls -d /usr/local/cuda-* 2>/dev/null || true')).out.split('\n').filter(Boolean);
    const link = (await sh(container, 'readlink /usr/local/cuda || true')).out.trim();
    return { dirs, link };
  }

  for (const c of CASES) {
    describe(c.title, () => {
      let name: string | undefined;
      const sets = (c.set ?? []).flatMap((s) => ['--set', s]);

      it(`installs CUDA ${majmin(c.release)}, the release rig plans for the recorded box, nvcc on a login shell's PATH`, async () => {
        expect(await plannedRelease(c), `rig plan --facts tests/fixtures/facts/${c.facts}`).toBe(c.release);
        const res = await apply(['--target', `podman:${await lab.boxes.imageOf(c.image, c.answers)}`, '--keep', ...sets]);
        name = lab.keep(res);
        expectOk(res);
        expect(name, res.stderr).toBeDefined();
        // The runfile and the release's md5sum.txt came from the stand-in, through the mirror's rewrite.
        expect(lab.server.hits).toContain(`/nvidia/compute/cuda/${c.release}/docs/sidebar/md5sum.txt`);
        expect(lab.server.hits).toContain(`/nvidia/compute/cuda/${c.release}/local_installers/${runfileOf(c.release)}`);

        const home = `/usr/local/cuda-${majmin(c.release)}`;
        expect(await toolkits(name!)).toEqual({ dirs: [home], link: home });
        const files = await sh(name!, `cd ${home} && test -x bin/nvcc && test -f lib64/libcudart.so.${c.release.split('.')[0]} && cat version.json`);
        expect(files.code, files.out).toBe(0);
        expect((JSON.parse(files.out) as { cuda: { version: string } }).cuda.version).toBe(c.release);
        // What the env step wrote (/etc/profile.d/rig-cuda-toolkit.sh) is what a login shell reads: bash's and sh's.
        const login = await podman(['exec', name!, 'bash', '-lc', 'command -v nvcc; printf "%s\\n" "$LD_LIBRARY_PATH"']);
        expect(login.out.split('\n').slice(0, 2)).toEqual([`${home}/bin/nvcc`, `${home}/lib64`]);
        expect(await podmanOk(['exec', name!, 'bash', '-lc', 'nvcc -V'])).toBe(nvccOutput(c.release).trimEnd());
        expect(await podmanOk(['exec', name!, 'sh', '-lc', 'nvcc -V'])).toBe(nvccOutput(c.release).trimEnd());
        // The downloaded runfile is gone once installed.
        expect((await sh(name!, `test -e /var/cache/rig/${runfileOf(c.release)}`)).code).not.toBe(0);
      }, 600_000);

      it('a second apply in that container runs nothing', async () => {
        expect(name).toBeDefined();
        expectNoop(await apply(['--target', `container:${name}`, ...sets]));
      }, 180_000);
    });
  }

  it('a runfile whose md5 differs from md5sum.txt, or that md5sum.txt does not list, is refused: nothing installed; a retry from the right site installs it', async () => {
    const release = '13.4.1';
    const runfile = runfileOf(release);
    const res = await apply(['--target', `podman:${UBUNTU_IMAGES.jammy}`, '--keep'], tampered);
    const name = lab.keep(res);
    expect(res.code, `${res.stdout}\n${res.stderr}`).toBe(1);
    expect(lab.server.hits).toContain(`/tampered/compute/cuda/${release}/docs/sidebar/md5sum.txt`);
    const fail = eventsOf(res.stdout, 'step-fail')[0];
    expect(fail).toMatchObject({ id: 'cuda-toolkit' });
    expect(JSON.stringify(fail)).toMatch(new RegExp(`md5 mismatch: got ${lab.server.digests.get(release)}, wanted [0-9a-f]{32}`));
    const nothingLeft = async () => {
      expect(await toolkits(name!)).toEqual({ dirs: [], link: '' });
      expect((await sh(name!, 'ls /var/cache/rig/ /var/tmp/rig-* 2>/dev/null | grep -c cuda_ || true')).out.trim()).toBe('0');
    };
    await nothingLeft();
    // md5sum.txt lists the release's other installers but not this runfile: no digest to check it by.
    const missing = await apply(['--target', `container:${name}`], unlisted);
    expect(missing.code, `${missing.stdout}\n${missing.stderr}`).toBe(1);
    expect(JSON.stringify(eventsOf(missing.stdout, 'step-fail')[0])).toContain(`no md5 listed for ${runfile}`);
    expect(lab.server.hits).not.toContain(`/unlisted/compute/cuda/${release}/local_installers/${runfile}`);
    await nothingLeft();
    expectOk(await apply(['--target', `container:${name}`]));
    expect(await toolkits(name!)).toEqual({ dirs: [`/usr/local/cuda-${majmin(release)}`], link: `/usr/local/cuda-${majmin(release)}` });
  }, 600_000);
});
