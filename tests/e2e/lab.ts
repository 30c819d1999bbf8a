import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { rig, type RigResult } from '../helpers/rig.js';
import { gpuBoxes } from './gpu-box.js';
import { CONTAINERS_CONF, events, podman, skipReason as podmanSkip } from './podman.js';

// What the container suites share: the reason a suite cannot run, a lab of stand-in sites on loopback (temp dir, state
// dir, server, --mirror profile, GPU box images, the containers `--keep` left, all removed after), and the assertions
// on `rig apply --json` output.

// The events of one type in `rig apply --json` output, in order.
export const eventsOf = (stdout: string, type: string) => events(stdout).filter((e) => e.type === type);

// Why `suite` cannot run here (podman unusable, or one of `images` missing), undefined when it can; in CI a reason fails it.
export function labSkipReason(suite: string, images: readonly string[]): string | undefined {
  const missing = podmanSkip ? [] : images.filter((image) => spawnSync('podman', ['image', 'exists', image], { env: { ...process.env, CONTAINERS_CONF } }).status !== 0);
  const reason = podmanSkip ?? (missing.length ? `podman has no image ${missing.join(', ')}: run scripts/test-image.sh as root` : undefined);
  if (reason && process.env.CI) throw new Error(`the ${suite} is required in CI, and cannot run: ${reason}`);
  if (reason) console.warn(`${suite} skipped: ${reason}`);
  return reason;
}

// The container `rig apply --keep` says it kept (on stderr), if any.
const keptName = (res: RigResult): string | undefined => /kept container (rig-[0-9a-f]+)/.exec(res.stderr)?.[1];

// The containers of a suite's `--keep` runs: keep(res) records the one res kept and returns its name; removeAll removes them.
function keptContainers(): { keep(res: RigResult): string | undefined; removeAll(): Promise<void> } {
  const containers: string[] = [];
  return {
    keep(res) {
      const name = keptName(res);
      if (name) containers.push(name);
      return name;
    },
    async removeAll() {
      for (const c of containers.splice(0)) await podman(['rm', '-f', '-t', '0', c]);
    },
  };
}

// A keep(res) for a suite that records the container each `--keep` run left, all removed in an afterAll it registers.
export function keeper(): (res: RigResult) => string | undefined {
  const kept = keptContainers();
  afterAll(() => kept.removeAll());
  return kept.keep;
}

// A loopback server a lab runs: its address, the paths asked of it, and how to stop it.
export interface Served {
  url: string;
  hits: string[];
  close(): Promise<void>;
}

// A suite's lab; every field is set by the beforeAll standInLab registers, so read them in hooks and tests only.
export interface Lab<S extends Served> {
  // The suite's temp dir (removed after), the state dir its rig runs share, and the --mirror profile reaching `server`.
  dir: string;
  state: string;
  mirror: string;
  server: S;
  // Images of recorded GPU boxes, built on demand under `dir`/boxes and removed after.
  boxes: ReturnType<typeof gpuBoxes>;
  // Record the container a `--keep` run left (removed after); returns its name.
  keep(res: RigResult): string | undefined;
  // Write `text` to `file` in `dir` (another mirror profile, say); returns its path.
  write(file: string, text: string): string;
  // rig apply ARGS --mirror M --json, M the lab's profile unless given, RIG_STATE_DIR the lab's state dir unless given.
  apply(args: string[], options?: { mirror?: string; state?: string }): Promise<RigResult>;
}

// A lab in a temp dir rig-NAME-*: `serve` serves its www/, `profile(url)` is its --mirror; made before, removed after, all.
export function standInLab<S extends Served>(name: string, serve: (www: string) => Promise<S>, profile: (url: string) => string): Lab<S> {
  const kept = keptContainers();
  const lab = {
    keep: kept.keep,
    write(file: string, text: string) {
      const path = join(lab.dir, file);
      writeFileSync(path, text);
      return path;
    },
    apply(args: string[], options: { mirror?: string; state?: string } = {}) {
      return rig(['apply', ...args, '--mirror', options.mirror ?? lab.mirror, '--json'], { env: { CONTAINERS_CONF, RIG_STATE_DIR: options.state ?? lab.state } });
    },
  } as Lab<S>;

  beforeAll(async () => {
    lab.dir = mkdtempSync(join(tmpdir(), `rig-${name}-`));
    lab.boxes = gpuBoxes(join(lab.dir, 'boxes'), randomBytes(4).toString('hex'));
    lab.state = join(lab.dir, 'state');
    mkdirSync(lab.state);
    lab.server = await serve(join(lab.dir, 'www'));
    lab.mirror = lab.write('mirror.yaml', profile(lab.server.url));
  }, 180_000);

  afterAll(async () => {
    await kept.removeAll();
    for (const i of lab.boxes?.images ?? []) await podman(['rmi', '-f', i]);
    await lab.server?.close();
    if (lab.dir) rmSync(lab.dir, { recursive: true, force: true });
  });

  return lab;
}

// The apply succeeded (its output shown if not).
export function expectOk(res: RigResult): void {
  expect(res.code, `${res.stdout}\n${res.stderr}`).toBe(0);
}

// A second apply that runs nothing: exit 0, no step started, run-done { ok: true, ran: 0, installed: [] } and `more`.
export function expectNoop(res: RigResult, more: Record<string, unknown> = {}): void {
  expectOk(res);
  expect(eventsOf(res.stdout, 'step-start')).toEqual([]);
  expect(eventsOf(res.stdout, 'run-done')[0]).toMatchObject({ ok: true, ran: 0, installed: [], ...more });
}
