import { describe, expect, it } from 'vitest';
import type { HostOutcome } from '../../src/fleet/outcome.js';
import { FleetJson } from '../../src/report/fleet-json.js';
import { FleetLines } from '../../src/report/fleet-lines.js';
import { summaryTable } from '../../src/report/fleet-summary.js';

const outcome = (host: string, state: HostOutcome['state'], more: Partial<HostOutcome> = {}): HostOutcome => ({ host, target: `ssh:${host}`, state, installed: 0, satisfied: 0, ran: 0, ms: 1500, ...more });

function collect(): { write(text: string): boolean; text: string } {
  return { text: '', write(t: string) { this.text += t; return true; } };
}

describe('the fleet summary', () => {
  it('has a row per host in order, saying what happened, and a line counting them', () => {
    const table = summaryTable([outcome('gpu1', 'ok', { installed: 2, satisfied: 3 }), outcome('gpu10', 'failed', { reason: 'at pytorch' }), outcome('gpu2', 'unreachable', { reason: 'cannot connect: Connection refused', ms: 20 })], 4200, {});
    const rows = table.split('\n');
    expect(rows[0]).toMatch(/^HOST {3}RESULT +TIME$/);
    expect(rows[1]).toMatch(/^gpu1 {3}2 installed, 3 satisfied +1\.5 s$/);
    expect(rows[2]).toMatch(/^gpu10  failed: at pytorch +1\.5 s$/);
    expect(rows[3]).toMatch(/^gpu2 {3}unreachable: cannot connect: Connection refused +20 ms$/);
    expect(rows[4]).toBe('3 hosts: 1 ok, 1 failed, 1 unreachable in 4.2 s');
  });
});

describe('fleet views', () => {
  it('plain lines carry the host name, each line of a multi-line write', () => {
    const out = collect();
    const view = new FleetLines(out, false, ['a', 'long-name']);
    view.host('a').emit({ type: 'run-start', target: 'ssh:a', machine: 'Ubuntu 22.04', recipes: [{ id: 'git', status: { state: 'missing', detail: 'not installed' }, steps: 2 }], logDir: '/l' });
    view.host('a').emit({ type: 'step-start', id: 'git', step: 0, title: 'apt-get install git', kind: 'apt' });
    view.note('long-name', 'waiting\nfor lock');
    view.done(outcome('a', 'unreachable', { reason: 'cannot connect: timeout' }));
    expect(out.text.split('\n').slice(0, 5)).toEqual(['a         | rig apply on ssh:a: Ubuntu 22.04', 'a         |     ▸ [1/2] apt-get install git', 'long-name | rig: waiting', 'long-name | for lock', 'a         | unreachable: cannot connect: timeout']);
  });

  it('NDJSON events carry the host, one host-done per host and a fleet-done at the end', async () => {
    const out = collect();
    const view = new FleetJson(out as unknown as NodeJS.WritableStream);
    view.host('b1').emit({ type: 'recipe-start', id: 'git', status: { state: 'missing', detail: 'not installed' }, steps: 1 });
    view.done(outcome('b1', 'failed', { reason: 'at git' }));
    await view.close([outcome('b1', 'failed'), outcome('b2', 'ok')], 900);
    const lines = out.text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.type, l.host])).toEqual([['recipe-start', 'b1'], ['host-done', 'b1'], ['fleet-done', undefined]]);
    expect(lines[2]).toMatchObject({ ok: false, hosts: 2, failed: ['b1'], ms: 900 });
  });
});
