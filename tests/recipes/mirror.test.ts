import { describe, expect, it } from 'vitest';
import { loadMirror } from '../../src/plan/mirror.js';
import { rig } from '../helpers/rig.js';
import { factsFile } from './boxes.js';
import type { JsonPlan } from './plan-text.js';

// Hosts a mirrored plan may still name, and why: security updates stay official, and NVIDIA's and Paddle's own China hosts need no mirror.
const ALLOWED = new Map([
  ['security.ubuntu.com', 'security updates stay on the official host'],
  ['security.debian.org', 'security updates stay on the official host'],
  ['developer.download.nvidia.cn', "NVIDIA's China CDN"],
  ['www.paddlepaddle.org.cn', "Paddle's own index, in China"],
]);

function hostsOf(profile: string): Set<string> {
  const m = loadMirror(profile);
  const urls = [...Object.values(m.values).flatMap((v) => v.split(',')), ...m.rewrites.map((r) => r.to)].filter((u) => /^https?:\/\//.test(u));
  return new Set(urls.map((u) => new URL(u).hostname));
}

function urlsOf(text: string): string[] {
  return [...text.matchAll(/https?:\/\/[^\s'"<>,]+/g)].map((m) => m[0].replace(/\)+$/, ''));
}

async function planJson(args: string[]): Promise<JsonPlan> {
  const res = await rig(['plan', ...args, '--no-probe', '--json']);
  expect(res.stderr).toBe('');
  return JSON.parse(res.stdout) as JsonPlan;
}

describe.each([
  ['tuna', 'ubuntu-22.04-gpu-550'],
  ['tuna', 'ubuntu-20.04'],
  ['tuna', 'debian-12'],
  ['aliyun', 'ubuntu-24.04-gpu-570'],
  ['ustc', 'ubuntu-22.04-gpu-550'],
])('rig plan seed-box --mirror %s on %s', (profile, box) => {
  it('sends every download, index, repository and proxy through the mirror', async () => {
    const plan = await planJson(['seed-box', '--mirror', profile, '--facts', factsFile(box)]);
    const mirrored = hostsOf(profile);
    const texts = plan.recipes.flatMap((r) => [...r.steps.flatMap((s) => [s.script, s.fetch?.url ?? '', s.fetch?.digestFrom ?? '']), ...r.notes]);
    const hosts = new Set(texts.flatMap(urlsOf).map((u) => new URL(u).hostname));
    const elsewhere = [...hosts].filter((h) => !mirrored.has(h) && !ALLOWED.has(h));
    expect(elsewhere).toEqual([]);
    expect(hosts.size).toBeGreaterThan(2);
  });

  it('points apt at the mirror before any other apt step, and pip steps at its index', async () => {
    const plan = await planJson(['seed-box', '--mirror', profile, '--facts', factsFile(box)]);
    const ids = plan.recipes.map((r) => r.id);
    const firstApt = plan.recipes.findIndex((r) => r.id !== 'apt-mirror' && r.steps.some((s) => s.kind === 'apt'));
    expect(ids.indexOf('apt-mirror')).toBeLessThan(firstApt);
    expect(plan.recipes.find((r) => r.id === 'apt-mirror')!.steps.length).toBeGreaterThan(0);
    const pip = plan.recipes.flatMap((r) => r.steps.filter((s) => s.kind === 'pip'));
    expect(pip.length).toBeGreaterThan(5);
    for (const s of pip) expect(s.script).toContain(`--index-url ${loadMirror(profile).values.pip} `);
  });

  it('sets the environment-variable mirrors before the tools that read them', async () => {
    const plan = await planJson(['seed-box', '--mirror', profile, '--facts', factsFile(box)]);
    const ids = plan.recipes.map((r) => r.id.replace(/\(.*$/, ''));
    for (const [mirror, tool] of [['go-mirror', 'go'], ['rustup-mirror', 'rust'], ['hf-mirror', 'transformers']] as const) {
      const m = plan.recipes.find((r) => r.id === mirror)!;
      if (!loadMirror(profile).values[mirror === 'go-mirror' ? 'goproxy' : mirror === 'hf-mirror' ? 'hf' : 'rustupServer']) continue;
      expect(m.steps.length, mirror).toBe(1);
      expect(ids.indexOf(mirror)).toBeLessThan(ids.indexOf(tool));
    }
  });
});

describe('without --mirror', () => {
  it('skips every mirror recipe and uses the upstream hosts', async () => {
    const plan = await planJson(['seed-box', '--facts', factsFile('ubuntu-22.04-gpu-550')]);
    for (const r of plan.recipes.filter((x) => x.id.endsWith('-mirror'))) expect(r.status.state, r.id).toBe('skipped');
    const urls = plan.recipes.flatMap((r) => r.steps.flatMap((s) => urlsOf(`${s.script} ${s.fetch?.url ?? ''}`)));
    expect([...new Set(urls.map((u) => new URL(u).hostname))]).toEqual(expect.arrayContaining(['go.dev', 'developer.download.nvidia.com', 'static.rust-lang.org', 'download.pytorch.org']));
  });
});
