import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { lockSchema } from '../../src/lock/schema.js';
import { serve } from '../helpers/http.js';
import { rig } from '../helpers/rig.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

// Debian's wheels (python3-pip-whl and friends), served on loopback as a flat --find-links page with their digests.
const WHEELS = '/usr/share/python-wheels';
const missing = !existsSync(WHEELS) ? `${WHEELS} missing (apt-get install python3-pip-whl python3-setuptools-whl python3-wheel-whl)` : undefined;
if (missing && process.env.CI) throw new Error(`the find-links lock tests are required in CI: ${missing}`);

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe.skipIf(missing)('a lock of distributions pip found through --find-links', () => {
  it('records the digest the find-links page gives each version; a replay whose page no longer has it is refused', async () => {
    const wheels = readdirSync(WHEELS).filter((f) => f.endsWith('.whl'));
    const digests = new Map(wheels.map((f) => [f, sha256(join(WHEELS, f))]));
    let tampered = false;
    const page = () => wheels.map((f) => `<a href="${f}#sha256=${tampered && f.startsWith('wheel-') ? '0'.repeat(64) : digests.get(f)}">${f}</a>`).join('\n');
    const links = await serve((path, res) => (path === '/' ? res.setHeader('Content-Type', 'text/html').end(page()) : res.end(readFileSync(join(WHEELS, decodeURIComponent(path.slice(1)))))));
    try {
      const root = tempDir();
      const venv = join(root, 'venv');
      execFileSync('python3', ['-m', 'venv', '--without-pip', venv]);
      execFileSync(join(venv, 'bin', 'python'), ['-m', 'ensurepip', '--default-pip'], { stdio: 'ignore' });
      const recipes = join(root, 'recipes');
      writeFiles(recipes, {
        'wheel-only.yaml': `name: wheel-only\nsummary: wheel from a find-links page\ncheck:\n  pip: wheel\n  venv: ${venv}\nsteps:\n  - pip: ["wheel==0.38.4"]\n    venv: ${venv}\n    findLinks: ["${links.url}/"]\n    args: [--no-index]\n`,
      });
      const env = { RIG_STATE_DIR: join(root, 'state'), RIG_TARGET_STATE: join(root, 'target'), RIG_ENV_DIR: join(root, 'env') };
      const applied = await rig(['apply', 'wheel-only', '--recipes', recipes], { env });
      expect(applied.code, applied.stdout + applied.stderr).toBe(0);
      const file = join(root, 'rig.lock');
      const locked = await rig(['lock', 'wheel-only', '--recipes', recipes, '-o', file], { env });
      expect(locked.code, locked.stderr).toBe(0);
      const lock = lockSchema.parse(parse(readFileSync(file, 'utf8')));
      expect(lock.pip![join(venv, 'bin', 'python')]!.wheel).toEqual({ version: '0.38.4', sha256: [digests.get('wheel-0.38.4-py3-none-any.whl')] });

      // The page changed: the locked digest is no file's there any more, so the replay is refused, nothing changed.
      tampered = true;
      const refused = await rig(['apply', '--locked', file, '--recipes', recipes], { env });
      expect(refused.code, refused.stdout + refused.stderr).toBe(2);
      expect(refused.stderr).toMatch(/^rig: {3}pip: wheel==0\.38\.4: no file of it on the index has a sha256 the lock lists/m);
    } finally {
      await links.close();
    }
  });
});
