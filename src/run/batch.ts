import { randomBytes } from 'node:crypto';
import type { Target } from '../targets/target.js';

// One read-only command run as part of a batch.
export interface BatchItem {
  key: string;
  script: string;
}

// A batch item's exit code and output.
export interface BatchResult {
  code: number;
  output: string;
}

// Run many read-only commands in one process on the target, each in its own subshell with its output kept apart.
// `first` items run before the prelude (facts, which the prelude itself depends on).
export async function runBatch(target: Target, prelude: string, items: readonly BatchItem[], env: Record<string, string> = {}, first: readonly BatchItem[] = []): Promise<Map<string, BatchResult>> {
  const results = new Map<string, BatchResult>();
  const all = [...first, ...items];
  if (all.length === 0) return results;
  const mark = `@@rig-${randomBytes(6).toString('hex')}`;
  const script = ['export LC_ALL=C'];
  all.forEach((item, i) => {
    if (i === first.length) script.push(prelude);
    script.push(`printf '\\n${mark} begin ${i}\\n'`, `( set -o pipefail\n${item.script}\n) 2>&1`, `printf '\\n${mark} end ${i} %s\\n' "$?"`);
  });
  const { output } = await target.exec(script.join('\n'), { env });
  const re = new RegExp(`\\n${mark} begin (\\d+)\\n([\\s\\S]*?)\\n${mark} end \\1 (\\d+)\\n`, 'g');
  for (const m of output.matchAll(re)) {
    const item = all[Number(m[1])]!;
    results.set(item.key, { code: Number(m[3]), output: m[2]! });
  }
  for (const item of all) if (!results.has(item.key)) results.set(item.key, { code: 127, output: 'rig: the check produced no result (the batch was cut short)' });
  return results;
}
