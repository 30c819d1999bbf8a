import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { lockSchema } from '../../src/lock/schema.js';
import { serve } from '../helpers/http.js';
import { rig } from '../helpers/rig.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

const BODY = 'a payload for the lock\n';
const SHA256 = createHash('sha256').update(BODY).digest('hex');

describe('rig lock on this machine', () => {
  it('records a download by the URL the recipe gives, whether it came through a mirror or not: the same lock', async () => {
    const upstream = await serve((_path, res) => res.end(BODY));
    const mirror = await serve((_path, res) => res.end(BODY));
    try {
      const root = tempDir();
      const file = join(root, 'opt', 'payload.txt');
      writeFiles(root, {
        'recipes/payload.yaml': `name: payload\nsummary: s\ncheck:\n  run: echo '${SHA256}  ${file}' | sha256sum -c --status -\nsteps:\n  - download: ${upstream.url}/payload.txt\n    sha256: "${SHA256}"\n    to: ${file}\n`,
        'mirror.yaml': `name: lab\nsummary: the second server stands in for the first\nsource: this test\nrewrite:\n  - { from: "${upstream.url}/", to: "${mirror.url}/" }\n`,
      });
      const env = { RIG_STATE_DIR: join(root, 'state'), RIG_TARGET_STATE: join(root, 'target') };
      const args = ['payload', '--recipes', join(root, 'recipes')];
      const applied = await rig(['apply', ...args, '--mirror', join(root, 'mirror.yaml')], { env });
      expect(applied.code, applied.stdout + applied.stderr).toBe(0);
      expect(mirror.hits).toEqual(['/payload.txt']);
      expect(upstream.hits).toEqual([]);
      const viaMirror = await rig(['lock', ...args, '--mirror', join(root, 'mirror.yaml'), '-o', join(root, 'a.lock')], { env });
      expect(viaMirror.code, viaMirror.stderr).toBe(0);
      expect((await rig(['lock', ...args, '-o', join(root, 'b.lock')], { env })).code).toBe(0);
      const text = readFileSync(join(root, 'a.lock'), 'utf8');
      expect(readFileSync(join(root, 'b.lock'), 'utf8')).toBe(text);
      expect(lockSchema.parse(parse(text)).downloads).toEqual({ [`${upstream.url}/payload.txt`]: { sha256: SHA256 } });
      expect(text).not.toContain(mirror.url);
    } finally {
      await upstream.close();
      await mirror.close();
    }
  });

  it('--facts cannot stand in for the box: one line naming the flag, exit 2', async () => {
    const res = await rig(['lock', 'cmake', '--facts', 'tests/fixtures/facts/ubuntu-22.04.json']);
    expect(res.code).toBe(2);
    expect(res.stderr.trimEnd().split('\n')).toEqual(['rig: --facts: lock reads the target itself; --facts cannot stand in for it']);
  });

  it('rig schema --lock is the JSON Schema of the file it writes', async () => {
    const res = await rig(['schema', '--lock']);
    expect(res.code).toBe(0);
    const schema = JSON.parse(res.stdout) as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(['version', 'request', 'box', 'recipes', 'apt', 'pip', 'downloads', 'git']);
    expect(schema.required).toEqual(['version', 'request', 'box', 'recipes']);
  });
});
