import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serve } from '../helpers/http.js';
import { rig } from '../helpers/rig.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

const sha = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

function setup(recipe: (url: string, root: string) => string) {
  const root = tempDir();
  const env = { RIG_ENV_DIR: join(root, 'env'), RIG_STATE_DIR: join(root, 'state'), RIG_TARGET_STATE: join(root, 'tstate') };
  return { root, env, write: (url: string) => writeFiles(join(root, 'recipes'), { 'dl.yaml': recipe(url, root) }) };
}

const payload = Buffer.from('x'.repeat(200_000));
const fileRecipe = (url: string, root: string) =>
  `name: dl\nsummary: s\ncheck:\n  run: test -f ${root}/opt/blob\nsteps:\n  - download: ${url}/blob\n    sha256: ${sha(payload)}\n    to: ${root}/opt/blob\n`;

describe('downloads on a flaky network', () => {
  it('retries a server that fails the first requests, and one that cuts the body', async () => {
    const b = setup(fileRecipe);
    let n = 0;
    const server = await serve((_path, res) => {
      n++;
      if (n <= 2) res.writeHead(503).end('busy');
      else if (n === 3) {
        res.writeHead(200, { 'content-length': payload.length });
        res.write(payload.subarray(0, 1000));
        setTimeout(() => res.socket?.destroy(), 20);
      } else res.end(payload);
    });
    try {
      b.write(server.url);
      const res = await rig(['apply', 'dl', '--recipes', join(b.root, 'recipes')], { env: b.env });
      expect(res.code, res.stdout + res.stderr).toBe(0);
      expect(res.stdout).toMatch(/↻ \[1\] retry 2\/4 in 1\.0 s: .*HTTP 503/);
      expect(res.stdout).toMatch(/↻ \[1\] retry 4\/4 in 4\.0 s: .*(connection lost|got 1000 of 200000 bytes)/);
      expect(readFileSync(join(b.root, 'opt/blob')).equals(payload)).toBe(true);
      expect(n).toBe(4);
      const cache = join(b.env.RIG_STATE_DIR, 'cache/downloads');
      expect(readdirSync(cache)).toEqual([sha(payload)]);
    } finally {
      await server.close();
    }
  }, 30_000);

  it('gives a clear error after the configured retries when the server always fails', async () => {
    const b = setup(fileRecipe);
    const server = await serve((_path, res) => res.writeHead(503).end());
    try {
      b.write(server.url);
      const res = await rig(['apply', 'dl', '--recipes', join(b.root, 'recipes'), '--retries', '1'], { env: b.env });
      expect(res.code).toBe(1);
      expect(server.hits).toHaveLength(2);
      expect(res.stdout).toContain(`${server.url}/blob: HTTP 503 Service Unavailable`);
      expect(existsSync(join(b.root, 'opt/blob'))).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('reuses the download cache: a second install of the same file fetches nothing', async () => {
    const b = setup(fileRecipe);
    const server = await serve((_path, res) => res.end(payload));
    try {
      b.write(server.url);
      expect((await rig(['apply', 'dl', '--recipes', join(b.root, 'recipes')], { env: b.env })).code).toBe(0);
      execFileSync('rm', [join(b.root, 'opt/blob')]);
      expect((await rig(['apply', 'dl', '--recipes', join(b.root, 'recipes')], { env: b.env })).code).toBe(0);
      expect(server.hits).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('refuses an archive with paths outside its folder, writing nothing outside', async () => {
    const root = tempDir();
    const work = join(root, 'work');
    mkdirSync(join(work, 'a'), { recursive: true });
    writeFileSync(join(work, 'a/evil'), 'pwned');
    const tgz = join(root, 'evil.tgz');
    execFileSync('bash', ['-c', `cd ${work} && tar -czf ${tgz} -P --transform 's,^a/evil,a/../../escaped,' a/evil`]);
    const data = readFileSync(tgz);
    const server = await serve((_path, res) => res.end(data));
    const b = setup((url, r) => `name: dl\nsummary: s\ncheck:\n  run: test -f ${r}/opt/x/done\nsteps:\n  - download: ${url}/evil.tgz\n    sha256: ${sha(data)}\n    extract: ${r}/opt/x\n`);
    try {
      b.write(server.url);
      const res = await rig(['apply', 'dl', '--recipes', join(b.root, 'recipes')], { env: b.env });
      expect(res.code).toBe(1);
      expect(res.stdout).toContain('rig: archive has paths outside its folder; refusing it');
      expect(existsSync(join(b.root, 'escaped'))).toBe(false);
      expect(existsSync(join(b.root, 'opt'))).toBe(false);
    } finally {
      await server.close();
    }
  });
});
