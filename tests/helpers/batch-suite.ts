import { expect, it } from 'vitest';
import { runBatch } from '../../src/run/batch.js';
import { shq } from '../../src/shell/quote.js';
import type { Target } from '../../src/targets/target.js';

// The tests of a batch of read-only commands against a target: this machine's bash (tests/integration), and older bash
// in a container (tests/e2e).
export function batchSuite(target: () => Target): void {
  it('keeps each command\'s output and exit code apart, though they run several at a time', async () => {
    const items = Array.from({ length: 40 }, (_, i) => ({
      key: `k${i}`,
      script: `sleep 0.0${(40 - i) % 10}; printf 'line one of ${i}\\nline two'; echo ' of ${i}' >&2; exit ${i % 3}`,
    }));
    const results = await runBatch(target(), '', items);
    for (let i = 0; i < 40; i++) {
      expect(results.get(`k${i}`)).toEqual({ code: i % 3, output: `line one of ${i}\nline two of ${i}` });
    }
  });

  it('keeps long outputs of items running at once whole, line by line', async () => {
    // Lines longer than one write of bash's output buffer, many of them, from items running at the same time.
    const items = Array.from({ length: 6 }, (_, i) => ({ key: `k${i}`, script: `for n in $(seq 1 400); do printf '%s-%05d\\n' "$(printf 'x%.0s' $(seq 1 ${600 + i}))" "$n"; done` }));
    const results = await runBatch(target(), '', items);
    items.forEach((_, i) => {
      const lines = results.get(`k${i}`)!.output.split('\n');
      expect(lines).toHaveLength(400);
      lines.forEach((line, n) => expect(line).toBe(`${'x'.repeat(600 + i)}-${String(n + 1).padStart(5, '0')}`));
    });
  });

  it('parses each item as a script of its own: case patterns, quotes in comments, heredocs, exit, empty output', async () => {
    const items = [
      { key: 'case', script: 'case x in\n  x) echo matched ;;\n  *) echo no ;;\nesac' },
      { key: 'comment', script: "# it's a comment with ) and \" in it\necho after" },
      { key: 'heredoc', script: "cat <<'END'\n$(not run) `nor this`\nEND" },
      { key: 'exit', script: 'echo before; exit 7; echo after' },
      { key: 'empty', script: 'true' },
      { key: 'pipefail', script: 'false | true' },
    ];
    const results = await runBatch(target(), '', items);
    expect(Object.fromEntries(results)).toEqual({
      case: { code: 0, output: 'matched' },
      comment: { code: 0, output: 'after' },
      heredoc: { code: 0, output: '$(not run) `nor this`' },
      exit: { code: 7, output: 'before' },
      empty: { code: 0, output: '' },
      pipefail: { code: 1, output: '' },
    });
  });

  it('answers a test of one path (a creates guard) in its own shell, the path as data', async () => {
    const t = target();
    const dir = (await t.exec('mktemp -d')).output.trim();
    await t.exec(`mkdir ${dir}/"it's here"`);
    const items = [
      { key: 'yes', script: `[ -d '${dir}/it'\\''s here' ]` },
      { key: 'no', script: `[ -e ${dir}/missing ]` },
      { key: 'hostile', script: `[ -e '$(touch ${dir}/ran)' ]` },
      { key: 'after', script: 'echo still here' },
    ];
    const results = await runBatch(t, '', items);
    const ran = await t.exec(`[ -e ${dir}/ran ]`);
    await t.exec(`rm -rf ${dir}`);
    expect(Object.fromEntries(results)).toEqual({ yes: { code: 0, output: '' }, no: { code: 1, output: '' }, hostile: { code: 1, output: '' }, after: { code: 0, output: 'still here' } });
    expect(ran.code).toBe(1);
  });

  it('reads a file item whole, backslashes and all, and one that is not there as empty', async () => {
    const t = target();
    const dir = (await t.exec('mktemp -d')).output.trim();
    const text = '{"a":"\\\\n \\t"}\n  indented \\ line\n\nlast line without its newline';
    await t.exec(`printf '%s' ${shq(text)} > ${dir}/journal.json`);
    const results = await runBatch(t, '', [{ key: 'there', file: `${dir}/journal.json` }, { key: 'missing', file: `${dir}/none.json` }]);
    await t.exec(`rm -rf ${dir}`);
    expect(results.get('there')).toEqual({ code: 0, output: text });
    expect(results.get('missing')).toEqual({ code: 0, output: '' });
  });

  it('runs at most twice as many items at once as the target has CPUs', async () => {
    // Each item counts the items running beside it by their folders in a shared one.
    const t = target();
    const dir = (await t.exec('mktemp -d')).output.trim();
    const items = Array.from({ length: 16 }, (_, i) => ({ key: `k${i}`, script: `mkdir ${dir}/${i}; ls ${dir} | wc -l; sleep 0.1; rmdir ${dir}/${i}` }));
    const results = await runBatch(t, '', items);
    const slots = 2 * Number((await t.exec('nproc')).output.trim());
    await t.exec(`rmdir ${dir}`);
    const seen = [...results.values()].map((r) => Number(r.output));
    expect(seen.every((n) => n >= 1 && n <= slots)).toBe(true);
  });

  it('reads a variable the prelude sets, and runs `first` items before it', async () => {
    const results = await runBatch(target(), 'export RIG_TEST_PRELUDE=set', [{ key: 'after', script: 'echo "$RIG_TEST_PRELUDE"' }], { first: [{ key: 'before', script: 'echo "${RIG_TEST_PRELUDE:-unset}"' }] });
    expect(results.get('before')).toEqual({ code: 0, output: 'unset' });
    expect(results.get('after')).toEqual({ code: 0, output: 'set' });
  });
}

