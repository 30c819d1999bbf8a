import { describe, expect, it } from 'vitest';
import { runBatch } from '../../src/run/batch.js';
import { LocalTarget } from '../../src/targets/local.js';

describe('a batch of read-only commands', () => {
  it('keeps each command\'s output and exit code apart, though they run several at a time', async () => {
    const items = Array.from({ length: 40 }, (_, i) => ({
      key: `k${i}`,
      script: `sleep 0.0${(40 - i) % 10}; printf 'line one of ${i}\\nline two'; echo ' of ${i}' >&2; exit ${i % 3}`,
    }));
    const results = await runBatch(new LocalTarget(), '', items);
    for (let i = 0; i < 40; i++) {
      expect(results.get(`k${i}`)).toEqual({ code: i % 3, output: `line one of ${i}\nline two of ${i}` });
    }
  });

  it('reads a variable the prelude sets, and runs `first` items before it', async () => {
    const results = await runBatch(new LocalTarget(), 'export RIG_TEST_PRELUDE=set', [{ key: 'after', script: 'echo "$RIG_TEST_PRELUDE"' }], {}, [{ key: 'before', script: 'echo "${RIG_TEST_PRELUDE:-unset}"' }]);
    expect(results.get('before')).toEqual({ code: 0, output: 'unset' });
    expect(results.get('after')).toEqual({ code: 0, output: 'set' });
  });
});
