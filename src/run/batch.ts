import { randomBytes } from 'node:crypto';
import { shq } from '../shell/quote.js';
import type { Target } from '../targets/target.js';

// One read-only command run as part of a batch, or the content of a file there (empty when it cannot be read).
export type BatchItem = { key: string; script: string } | { key: string; file: string };

// A batch item's exit code and output.
export interface BatchResult {
  code: number;
  output: string;
}

// A test of one path, its word quoted as shq quotes it ("[ -e /opt/x ]", a `creates` guard): it has no output and no
// effect, so it runs in the batch's own shell, with no process of its own.
const PATH_TEST = /^\[ -[a-zA-Z] (?:[A-Za-z0-9_@%+=:,.\/-]+|'(?:[^']|'\\'')*') \]$/;

// Shell that runs one item in the background: a function (so that the item is parsed as a script of its own), its
// output captured and then printed a line at a time (each line one write, so lines of items running at once never
// mix), every line and then its exit code tagged with its index. Two processes per item; a count of the items started
// holds them to $rig_slots at a time (`wait -n` ends one of them).
function job(mark: string, index: number, item: BatchItem): string {
  if ('file' in item) return readFileJob(mark, index, item.file);
  const { script } = item;
  if (PATH_TEST.test(script)) return `${script}; printf '${mark}${index} ${mark}rc %s\\n' "$?"`;
  return [
    `rig_item_${index}() { set -o pipefail`,
    script,
    '}',
    `{ rig_out=$(rig_item_${index} 2>&1); rig_rc=$?; while IFS= read -r rig_line; do printf '${mark}${index} %s\\n' "$rig_line"; done <<< "$rig_out"; printf '${mark}${index} ${mark}rc %s\\n' "$rig_rc"; } &`,
    'rig_running=$((rig_running + 1)); if [ "$rig_running" -ge "$rig_slots" ]; then wait -n; rig_running=$((rig_running - 1)); fi',
  ].join('\n');
}

// How a batch runs: the caller's variables (secrets among them), items that run before the prelude (facts, which the
// prelude itself depends on), and the target's CPUs as last seen (twice as many items run at once; else nproc there).
export interface BatchOptions {
  env?: Record<string, string>;
  first?: readonly BatchItem[];
  cpus?: number;
}

// Shell that prints a file's lines tagged with the item's index, read by the batch's own shell (no process of its own).
function readFileJob(mark: string, index: number, path: string): string {
  const p = shq(path);
  return `if [ -r ${p} ]; then while IFS= read -r rig_line || [ -n "$rig_line" ]; do printf '${mark}${index} %s\\n' "$rig_line"; done < ${p}; fi; printf '${mark}${index} ${mark}rc 0\\n'`;
}

// Run many read-only commands in one process on the target, several at a time, each in its own subshell with its output
// kept apart.
export async function runBatch(target: Target, prelude: string, items: readonly BatchItem[], { env = {}, first = [], cpus }: BatchOptions = {}): Promise<Map<string, BatchResult>> {
  const results = new Map<string, BatchResult>();
  const all = [...first, ...items];
  if (all.length === 0) return results;
  const mark = `@@rig-${randomBytes(6).toString('hex')}-`;
  const slots = cpus && Number.isInteger(cpus) && cpus > 0 ? String(cpus * 2) : '$(( $(nproc 2>/dev/null || echo 1) * 2 ))';
  const script = ['export LC_ALL=C', `rig_slots=${slots} rig_running=0`];
  all.forEach((item, i) => {
    if (i === first.length) script.push(prelude);
    script.push(job(mark, i, item));
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
