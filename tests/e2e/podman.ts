import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';

// The image scripts/test-image.sh builds: Debian 12 minbase.
export const TEST_IMAGE = 'localhost/rig-test-bookworm';

// The Ubuntu images scripts/test-image.sh builds the same way (minbase, no python3, as Docker's ubuntu images): 20.04, 22.04 and 24.04.
export const UBUNTU_IMAGES = { focal: 'localhost/rig-test-focal', jammy: 'localhost/rig-test-jammy', noble: 'localhost/rig-test-noble' } as const;

// The Debian images scripts/test-image.sh builds the same way (minbase, no python3, sources as Debian's official images): 11, 12 and 13.
export const DEBIAN_IMAGES = { bullseye: 'localhost/rig-test-bullseye', bookworm: TEST_IMAGE, trixie: 'localhost/rig-test-trixie' } as const;

// The recipes the container suite applies (given to rig with --recipes).
export const RECIPES = fileURLToPath(new URL('../fixtures/container-recipes', import.meta.url));

// The podman settings file scripts/test-image.sh writes; podman does not work on these hosts without it.
export const CONTAINERS_CONF = process.env.CONTAINERS_CONF ?? fileURLToPath(new URL('../../.cache/podman/containers.conf', import.meta.url));

// Where Debian's python3-pip-whl, python3-setuptools-whl and python3-wheel-whl put their wheels.
export const DEBIAN_WHEELS = '/usr/share/python-wheels';

const SETUP = 'run scripts/test-image.sh as root (CI runs .ci/run, which installs podman and runs it)';

function whyNot(): string | undefined {
  const { CONTAINERS_CONF: _, ...withoutConf } = process.env;
  const version = spawnSync('podman', ['--version'], { env: withoutConf });
  if (version.error || version.status !== 0) return `podman is not installed (apt-get install podman runc debootstrap, then ${SETUP})`;
  if (!existsSync(CONTAINERS_CONF)) return `there is no podman settings file at ${CONTAINERS_CONF}: ${SETUP}`;
  const image = spawnSync('podman', ['image', 'exists', TEST_IMAGE], { env: { ...process.env, CONTAINERS_CONF } });
  if (image.status !== 0) return `podman has no image ${TEST_IMAGE}: ${SETUP}`;
  if (!existsSync(`${DEBIAN_WHEELS}/wheel-0.38.4-py3-none-any.whl`)) return `${DEBIAN_WHEELS} lacks Debian's wheels (apt-get install python3-pip-whl python3-setuptools-whl python3-wheel-whl)`;
  return undefined;
}

// Why the container suite cannot run on this machine, or undefined when it can. In CI it must run: a reason fails the suite.
export const skipReason = whyNot();
if (skipReason && process.env.CI) throw new Error(`the container suite is required in CI, and cannot run: ${skipReason}`);
if (skipReason) console.warn(`container suite skipped: ${skipReason}`);

// Run podman with the suite's settings; returns stdout and stderr together with the exit code.
export async function podman(args: string[]): Promise<{ code: number; out: string }> {
  const res = await execa('podman', args, { reject: false, all: true, env: { CONTAINERS_CONF } });
  return { code: res.exitCode ?? 1, out: res.all ?? '' };
}

// Run podman and return its trimmed stdout; a failure throws with podman's output.
export async function podmanOk(args: string[]): Promise<string> {
  const res = await execa('podman', args, { reject: false, env: { CONTAINERS_CONF } });
  if (res.exitCode !== 0) throw new Error(`podman ${args.join(' ')} failed (exit ${res.exitCode}): ${res.stderr}`);
  return res.stdout.trim();
}

// Names of every container podman has, running or not.
export async function containerNames(): Promise<string[]> {
  return (await podmanOk(['ps', '-a', '--format', '{{.Names}}'])).split('\n').filter(Boolean);
}

// The events of `rig apply --json` output.
export function events(stdout: string): { type: string; [k: string]: unknown }[] {
  return stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { type: string });
}
