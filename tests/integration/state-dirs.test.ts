import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { rig } from '../helpers/rig.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

// A small tmpfs, read-only or filled up, stands for a state directory that cannot take a run (needs root and mount).
const mounted: string[] = [];
function tmpfs(options: string): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'rig-mnt-'));
  mounted.push(dir);
  return spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]).status === 0 ? dir : undefined;
}
function unmountAll(): void {
  for (const dir of mounted.splice(0)) {
    spawnSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  }
}
afterEach(unmountAll);
const canMount = tmpfs('size=64k') !== undefined;
unmountAll();
if (!canMount) console.warn('state directory tests skipped: mounting a tmpfs needs root (CAP_SYS_ADMIN)');

function full(): string {
  const dir = tmpfs('size=64k')!;
  writeFileSync(join(dir, 'fill'), Buffer.alloc(60 * 1024));
  return dir;
}

describe.skipIf(!canMount)('a state directory that cannot take the run', () => {
  const box = () => {
    const root = tempDir();
    writeFiles(join(root, 'recipes'), { 't.yaml': `name: t\nsummary: s\nsteps:\n  - run: touch ${root}/done\n    creates: ${root}/done\n` });
    return { root, args: ['apply', 't', '--recipes', join(root, 'recipes')] };
  };

  it.each([
    ['read-only', () => tmpfs('size=64k,ro')!, 'cannot be made'],
    ['full', full, 'is full'],
  ])("rig's own (%s): one line, exit 2, before any step", async (_kind, make, said) => {
    const { root, args } = box();
    const state = join(make(), 'state');
    const res = await rig(args, { env: { RIG_STATE_DIR: state, RIG_TARGET_STATE: join(root, 'ts') } });
    expect(res.code).toBe(2);
    expect(res.stderr.trim()).toBe(`rig: rig's state directory ${state} ${said}: free it or point RIG_STATE_DIR elsewhere`);
    expect(existsSync(join(root, 'done')), 'no step ran').toBe(false);
  });

  it("the target's (full): one line, exit 2, before any step", async () => {
    const { root, args } = box();
    const ts = join(full(), 'ts');
    mkdirSync(ts);
    const res = await rig(args, { env: { RIG_STATE_DIR: join(root, 'state'), RIG_TARGET_STATE: ts } });
    expect(res.code).toBe(2);
    expect(res.stderr.trim()).toBe(`rig: the state directory ${ts} on local is full: free it or point RIG_TARGET_STATE elsewhere`);
    expect(existsSync(join(root, 'done')), 'no step ran').toBe(false);
  });
});

describe('apply --facts FILE', () => {
  it('keeps the lock and journal where rig decides for the target, never where the file says', async () => {
    const root = tempDir();
    writeFiles(join(root, 'recipes'), { 't.yaml': `name: t\nsummary: s\nsteps:\n  - run: touch ${root}/done\n    creates: ${root}/done\n` });
    const env = { RIG_STATE_DIR: join(root, 'state'), RIG_TARGET_STATE: join(root, 'ts') };
    const facts = JSON.parse((await rig(['facts', '--json'], { env })).stdout) as Record<string, unknown>;
    const elsewhere = join(root, 'elsewhere');
    writeFileSync(join(root, 'box.json'), JSON.stringify({ ...facts, stateDir: elsewhere }));
    const res = await rig(['apply', 't', '--recipes', join(root, 'recipes'), '--facts', join(root, 'box.json')], { env });
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(existsSync(join(root, 'ts', 'journal.json'))).toBe(true);
    expect(existsSync(elsewhere)).toBe(false);
  });
});
