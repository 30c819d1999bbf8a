import { describe, expect, it } from 'vitest';
import { forEachAtMost } from '../../src/fleet/pool.js';
import { hostArgv } from '../../src/cli/fleet-host.js';

describe('forEachAtMost', () => {
  it('runs every item, never more than `forks` at once, starting them in order', async () => {
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const gates = new Map<number, () => void>();
    const items = [0, 1, 2, 3, 4, 5, 6];
    const done = forEachAtMost(items, 3, (i) => {
      started.push(i);
      running++;
      most = Math.max(most, running);
      return new Promise<void>((resolve) => gates.set(i, () => { running--; resolve(); }));
    }, () => false, () => undefined);
    // Let each started item finish in turn; a new one starts only as one ends.
    for (let i = 0; i < items.length; i++) {
      await new Promise((r) => setImmediate(r));
      gates.get(i)!();
    }
    await done;
    expect(started).toEqual(items);
    expect(most).toBe(3);
  });

  it('gives the items not yet started to `skipped` once told to stop', async () => {
    const ran: number[] = [];
    const skipped: number[] = [];
    let stop = false;
    await forEachAtMost([1, 2, 3, 4], 1, async (i) => {
      ran.push(i);
      if (i === 2) stop = true;
    }, () => stop, (i) => skipped.push(i));
    expect(ran).toEqual([1, 2]);
    expect(skipped).toEqual([3, 4]);
  });
});

describe('hostArgv', () => {
  it('is the fleet command limited to the one host, without the fan-out flags', () => {
    expect(hostArgv(['apply', 'git', '-i', 'hosts.ini', '--limit', 'lab:!b1', '--forks', '4', '--fail-fast', '--json'], 'j1')).toEqual(['apply', 'git', '-i', 'hosts.ini', '--json', '--limit', 'j1']);
    expect(hostArgv(['apply', 'git', '-i', 'h', '--limit=lab', '--forks=2'], 'b 2')).toEqual(['apply', 'git', '-i', 'h', '--limit', 'b 2']);
  });
});
