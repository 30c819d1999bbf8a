// Scale: `rig plan --no-probe` over 10, 100 and 1000 generated recipes with dependencies; time and peak memory.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmt, median, RIG, run, timeAndPeak } from './lib.mjs';

function generate(dir, n) {
  mkdirSync(dir, { recursive: true });
  let seed = 7;
  const random = (max) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % max;
  for (let i = 0; i < n; i++) {
    const reqs = i > 1 ? [...new Set([random(i), random(i)])].sort((a, b) => a - b) : [];
    writeFileSync(join(dir, `r${i}.yaml`), `name: r${i}
summary: generated recipe ${i}
params:
  version: { default: "1.${i}.0" }
${reqs.length ? `requires: [${reqs.map((j) => `r${j}`).join(', ')}]\n` : ''}check:
  run: tool${i} --version
  version: 'tool${i} (?<version>\\S+)'
  wants: ">={{ params.version }}"
steps:
  - apt: [pkg${i}]
  - run: make -C /opt/r${i} install
    creates: /opt/r${i}/done
`);
  }
  writeFileSync(join(dir, 'all.yaml'), `name: all\nsummary: every generated recipe\nrequires: [${Array.from({ length: n }, (_, i) => `r${i}`).join(', ')}]\n`);
}

// Plan time and peak memory per catalog size: the cold run (rig's cache of parsed recipes empty, every YAML file parsed;
// the median of `runs`, each with a state folder of its own) is the figure, the median of warm runs beside it.
export function benchScale(dir, runs, sizes) {
  mkdirSync(dir, { recursive: true });
  const facts = join(dir, 'facts.json');
  writeFileSync(facts, run(process.execPath, [RIG, 'facts', '--json']).stdout);
  const rows = [];
  let first;
  for (const n of sizes) {
    const recipes = join(dir, `scale-${n}`);
    generate(recipes, n);
    const args = [RIG, 'plan', 'all', '--recipes', recipes, '--no-probe', '--facts', facts];
    const colds = Array.from({ length: runs }, (_, i) => timeAndPeak(process.execPath, args, { env: { ...process.env, RIG_STATE_DIR: join(dir, `state-${n}-cold-${i}`) } }));
    const env = { ...process.env, RIG_STATE_DIR: join(dir, `state-${n}-cold-0`) };
    const warm = Array.from({ length: runs }, () => timeAndPeak(process.execPath, args, { env }));
    const ms = median(colds.map((c) => c.ms));
    const kb = median(colds.map((c) => c.kb));
    first ??= { n, ms, kb };
    const growth = n === first.n ? '—' : `×${(ms / first.ms).toFixed(1)} time, ×${(kb / first.kb).toFixed(1)} memory for ×${n / first.n} recipes`;
    rows.push({ scenario: `plan --no-probe, ${n} recipes, cold`, rig: `${fmt(ms)} (warm ${fmt(median(warm.map((w) => w.ms)))}), ${(kb / 1024).toFixed(0)} MB`, peer: growth, ratio: '', goal: n === 1000 ? '< 1 s' : '', ok: n !== 1000 || ms < 1000 });
  }
  return rows;
}
