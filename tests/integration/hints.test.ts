import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rig } from '../helpers/rig.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

// Recipes whose step fails the way real tools do; the output lines are pip's own (pip 23, an index host that does not resolve).
function box(): { recipes: string; env: Record<string, string> } {
  const root = tempDir();
  const recipes = join(root, 'recipes');
  writeFiles(recipes, {
    'flaky.yaml': `name: flaky
summary: fails twice, with the telling line only in the first try's output
steps:
  - run: 'if [ -f ${root}/tried ]; then echo "exit status 1"; else touch ${root}/tried; echo "fatal: could not frobnicate the widget"; fi; exit 1'
    creates: ${root}/never
    retries: 1
hints:
  - match: could not frobnicate
    say: Install libfrob-dev first.
`,
    'offline.yaml': `name: offline
summary: a pip install whose index cannot be resolved
steps:
  - run: |-
      echo "WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at 0x7f>: Failed to establish a new connection: [Errno -3] Temporary failure in name resolution')': /simple/torch/"
      echo "ERROR: Could not find a version that satisfies the requirement torch==2.6.0 (from versions: none)"
      echo "ERROR: No matching distribution found for torch==2.6.0"
      exit 1
    creates: ${root}/never
    retries: 0
hints:
  - match: 'No matching distribution found for torch=='
    say: This torch build has no wheel for this Python.
`,
    'unresolved.yaml': `name: unresolved
summary: a fetch whose host does not resolve (Node's own error)
steps:
  - run: 'echo "https://static.rust-lang.org/rustup/dist/x86_64-unknown-linux-gnu/rustup-init.sha256: getaddrinfo ENOTFOUND static.rust-lang.org"; exit 1'
    creates: ${root}/never
    retries: 0
`,
  });
  return { recipes, env: { RIG_ENV_DIR: join(root, 'env'), RIG_STATE_DIR: join(root, 'state'), RIG_TARGET_STATE: join(root, 'tstate') } };
}

const failOf = (stdout: string) => stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).find((e) => e.type === 'step-fail');

describe('hints of a failed step', () => {
  it('match the output of every try, not only the last one', async () => {
    const b = box();
    const res = await rig(['apply', 'flaky', '--recipes', b.recipes, '--json'], { env: b.env });
    expect(res.code).toBe(1);
    expect(failOf(res.stdout)).toMatchObject({ tail: ['exit status 1'], hints: ['Install libfrob-dev first.'] });
  });

  it('name the real cause when a host cannot be reached, not a missing version', async () => {
    const b = box();
    const res = await rig(['apply', 'offline', '--recipes', b.recipes, '--json'], { env: b.env });
    expect(res.code).toBe(1);
    const hints = failOf(res.stdout)!.hints as string[];
    expect(hints).toHaveLength(1);
    expect(hints[0]).toMatch(/^A host could not be reached/);
    const dns = await rig(['apply', 'unresolved', '--recipes', b.recipes, '--json'], { env: b.env });
    expect(failOf(dns.stdout)!.hints).toEqual([hints[0]]);
  });
});
