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

// Shell that runs one item in the background, every line of its output (and then its exit code) tagged with its index.
function job(mark: string, index: number, script: string): string {
  return [
    `{ { ( set -o pipefail`,
    script,
    `) 2>&1; printf '\\n${mark}rc %s\\n' "$?"; } | while IFS= read -r rig_line || [ -n "$rig_line" ]; do printf '${mark}${index} %s\\n' "$rig_line"; done; } &`,
    `while [ "$(jobs -rp | wc -l)" -ge "$rig_slots" ]; do wait -n; done`,
  ].join('\n');
}

// Run many read-only commands in one process on the target, several at a time, each in its own subshell with its output
// kept apart. `first` items run before the prelude (facts, which the prelude itself depends on).
export async function runBatch(target: Target, prelude: string, items: readonly BatchItem[], env: Record<string, string> = {}, first: readonly BatchItem[] = []): Promise<Map<string, BatchResult>> {
  const results = new Map<string, BatchResult>();
  const all = [...first, ...items];
  if (all.length === 0) return results;
  const mark = `@@rig-${randomBytes(6).toString('hex')}-`;
  const script = ['export LC_ALL=C', 'rig_slots=$(( $(nproc 2>/dev/null || echo 1) * 2 ))'];
  all.forEach((item, i) => {
    if (i === first.length) script.push(prelude);
    script.push(job(mark, i, item.script));
  });
  script.push('wait');
  const { output } = await target.exec(script.join('\n'), { env });
  const lines = new Map<number, string[]>();
  const codes = new Map<number, number>();
  const tagged = new RegExp(`^${mark}(\\d+) (.*)$`);
  const code = new RegExp(`^${mark}rc (\\d+)$`);
  for (const line of output.split('\n')) {
    const m = tagged.exec(line);
    if (!m) continue;
    const index = Number(m[1]);
    const rc = code.exec(m[2]!);
    if (rc) codes.set(index, Number(rc[1]));
    else if (lines.has(index)) lines.get(index)!.push(m[2]!);
    else lines.set(index, [m[2]!]);
  }
  all.forEach((item, i) => {
    const text = (lines.get(i) ?? []).join('\n').replace(/\n$/, '');
    results.set(item.key, codes.has(i) ? { code: codes.get(i)!, output: text } : { code: 127, output: 'rig: the check produced no result (the batch was cut short)' });
  });
  return results;
}
