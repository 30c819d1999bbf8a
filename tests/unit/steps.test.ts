import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envPrelude } from '../../src/steps/prelude.js';
import { makeFacts } from '../helpers/facts.js';
import { boxFacts, renderTestStep as render, sh } from '../helpers/steps.js';




describe('file steps', () => {
  it('writes content with its mode, then its guard holds; a change is written again', () => {
    const facts = boxFacts();
    const path = join(facts.home, 'etc/pip.conf');
    const content = "[global]\nindex-url = https://x/simple\n# it's $HOME `x`\n";
    const step = render('file', { file: path, content, mode: '0600' }, facts);
    expect(sh(step.guard!).code).not.toBe(0);
    expect(sh(step.script).code).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe(content);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(sh(step.guard!).code).toBe(0);
    writeFileSync(path, 'edited');
    expect(sh(step.guard!).code).not.toBe(0);
    expect(existsSync(`${path}.rig-tmp`)).toBe(false);
  });

  it('its guard holds for exactly that content and mode: not a byte more, less or other, nor a NUL inside', () => {
    const facts = boxFacts();
    const path = join(facts.home, 'etc/app.conf');
    mkdirSync(join(facts.home, 'etc'), { recursive: true });
    const content = "[app]\nname = \"caf\u00e9\" \\ $PATH `id` 'q'\n\n";
    const step = render('file', { file: path, content, mode: '0640' }, facts);
    const held = (bytes: Buffer | string, mode = 0o640) => {
      writeFileSync(path, bytes);
      execFileSync('chmod', [mode.toString(8), path]);
      return sh(step.guard!).code === 0;
    };
    expect(held(content)).toBe(true);
    expect(held(content, 0o644)).toBe(false);
    expect(held(content.slice(0, -1))).toBe(false);
    expect(held(`${content}\n`)).toBe(false);
    expect(held(content.replace('caf\u00e9', 'cafe\u0301'))).toBe(false);
    expect(held(content.replace('[app]', '[apq]'))).toBe(false);
    // The same size, the same bytes up to a NUL.
    expect(held(Buffer.concat([Buffer.from(content.slice(0, -1)), Buffer.from([0])]))).toBe(false);
    expect(held(Buffer.concat([Buffer.from(content), Buffer.from([0])]))).toBe(false);
    const empty = render('file', { file: path, content: '', mode: '0640' }, facts);
    writeFileSync(path, '');
    expect(sh(empty.guard!).code).toBe(0);
    writeFileSync(path, Buffer.from([0]));
    expect(sh(empty.guard!).code).not.toBe(0);
  });

  it('adds a line once', () => {
    const facts = boxFacts();
    const path = join(facts.home, '.bashrc');
    writeFileSync(path, 'alias ll="ls -l"');
    const step = render('file', { file: path, line: 'export GOPROXY=https://goproxy.cn,direct' }, facts);
    expect(sh(step.guard!).code).not.toBe(0);
    sh(step.script);
    expect(sh(step.guard!).code).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe('alias ll="ls -l"\nexport GOPROXY=https://goproxy.cn,direct\n');
  });
});

describe('env steps', () => {
  it('writes a profile file that later commands load through the prelude', () => {
    const facts = boxFacts();
    const step = render('env', { env: { path: ['/opt/cmake/bin', '/opt/x y/bin'], prepend: { LD_LIBRARY_PATH: ['/usr/local/cuda/lib64'] }, vars: { HF_ENDPOINT: 'https://hf-mirror.com' } } }, facts);
    expect(sh(step.script).code).toBe(0);
    expect(sh(step.guard!).code).toBe(0);
    const seen = sh(`${envPrelude(facts)}\n${envPrelude(facts)}\necho "$PATH|\${LD_LIBRARY_PATH}|$HF_ENDPOINT"`, { LD_LIBRARY_PATH: '' }).out.trim();
    const [path, ld, hf] = seen.split('|');
    expect(path!.split(':').slice(0, 2)).toEqual(['/opt/cmake/bin', '/opt/x y/bin']);
    expect(path!.split(':').filter((p) => p === '/opt/cmake/bin')).toHaveLength(1);
    expect(ld).toBe('/usr/local/cuda/lib64');
    expect(hf).toBe('https://hf-mirror.com');
  });
});

describe('run steps', () => {
  it('is skipped when `creates` exists or `unless` succeeds', () => {
    const facts = boxFacts();
    const marker = join(facts.home, 'built');
    const step = render('run', { run: `touch ${marker}`, creates: marker }, facts);
    expect(sh(step.guard!).code).not.toBe(0);
    sh(step.script);
    expect(sh(step.guard!).code).toBe(0);
    expect(sh(render('run', { run: 'false', unless: 'true' }, facts).guard!).code).toBe(0);
    expect(sh(render('run', { run: 'false', unless: 'false' }, facts).guard!).code).not.toBe(0);
  });
});

describe('apt steps', () => {
  it('asks dpkg which packages are installed', () => {
    const facts = boxFacts();
    expect(sh(render('apt', { apt: ['bash', 'coreutils'] }, facts).guard!).code).toBe(0);
    expect(sh(render('apt', { apt: ['bash', 'rig-no-such-package'] }, facts).guard!).code).not.toBe(0);
  });

  it('refuses a package name that is not one', () => {
    expect(() => render('apt', { apt: ['git; rm -rf /'] }, boxFacts())).toThrow(/not a Debian package name/);
  });

  it('goes through sudo when not root', () => {
    const step = render('apt', { apt: ['git'] }, makeFacts({ root: false, sudo: true, user: 'dev', home: '/home/dev' }));
    expect(step.script).toMatch(/^sudo -n env RIG_STEP="\$\{RIG_STEP:-\}" bash -c 'set -euo pipefail\n/);
    expect(() => render('apt', { apt: ['git'] }, makeFacts({ root: false, sudo: false }))).toThrow(/needs root/);
  });
});

describe('pip steps', () => {
  it('holds when every requirement is installed at a matching version', () => {
    const facts = boxFacts();
    const pipVersion = execFileSync('python3', ['-c', 'import importlib.metadata as m; print(m.version("pip"))'], { encoding: 'utf8' }).trim();
    expect(sh(render('pip', { pip: [`pip==${pipVersion}`] }, facts).guard!).code).toBe(0);
    expect(sh(render('pip', { pip: ['pip>=1'] }, facts).guard!).code).toBe(0);
    expect(sh(render('pip', { pip: ['pip<1'] }, facts).guard!).code).not.toBe(0);
    expect(sh(render('pip', { pip: ['rig-no-such-package'] }, facts).guard!).code).not.toBe(0);
  });
});

describe('download steps', () => {
  function archive(dir: string, files: Record<string, string>, extra: string[] = []): string {
    const src = join(dir, 'src');
    for (const [p, text] of Object.entries(files)) {
      mkdirSync(join(src, p, '..'), { recursive: true });
      writeFileSync(join(src, p), text);
    }
    const tgz = join(dir, 'a.tgz');
    execFileSync('tar', ['-czf', tgz, '-C', src, ...extra, ...Object.keys(files)]);
    return tgz;
  }
  const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

  it('moves a verified file into place; a mismatch leaves nothing there', () => {
    const facts = boxFacts();
    const file = join(facts.home, 'blob');
    writeFileSync(file, 'payload');
    const dest = join(facts.home, 'opt/blob.bin');
    const good = render('download', { download: 'https://example.org/blob.bin', sha256: sha(file), to: dest, mode: '0755' }, facts);
    execFileSync('cp', [file, `${file}.1`]);
    expect(sh(good.script, { RIG_FILE: `${file}.1`, RIG_DIGEST: sha(file) }).code).toBe(0);
    expect(readFileSync(dest, 'utf8')).toBe('payload');
    expect(statSync(dest).mode & 0o777).toBe(0o755);
    expect(sh(good.guard!).code).toBe(0);
    const dest2 = join(facts.home, 'opt/other.bin');
    const bad = render('download', { download: 'https://example.org/other.bin', sha256: 'b'.repeat(64), to: dest2 }, facts);
    execFileSync('cp', [file, `${file}.2`]);
    const res = sh(bad.script, { RIG_FILE: `${file}.2`, RIG_DIGEST: 'b'.repeat(64) });
    expect(res.code).not.toBe(0);
    expect(res.out).toContain('sha256 mismatch');
    expect(existsSync(dest2)).toBe(false);
    expect(existsSync(`${file}.2`)).toBe(false);
  });

  it('unpacks an archive with strip, and refuses one that escapes its folder', () => {
    const facts = boxFacts();
    const tgz = archive(join(facts.home, 'a'), { 'cmake-3.24.0/bin/cmake': 'x' });
    const dir = join(facts.home, 'opt/cmake');
    const step = render('download', { download: 'https://example.org/cmake.tgz', sha256: sha(tgz), extract: dir, strip: 1 }, facts);
    expect(sh(step.guard!).code).not.toBe(0);
    expect(sh(step.script, { RIG_FILE: tgz, RIG_DIGEST: sha(tgz) }).code).toBe(0);
    expect(readFileSync(join(dir, 'bin/cmake'), 'utf8')).toBe('x');
    expect(sh(step.guard!).code).toBe(0);

    const evil = join(facts.home, 'evil.tgz');
    execFileSync('bash', ['-c', `cd ${facts.home} && mkdir -p e && echo x > e/f && tar -czf ${evil} -P e/../e/f`]);
    const out = join(facts.home, 'opt/evil');
    const refuse = render('download', { download: 'https://example.org/evil.tgz', sha256: sha(evil), extract: out }, facts);
    const res = sh(refuse.script, { RIG_FILE: evil, RIG_DIGEST: sha(evil) });
    expect(res.code).not.toBe(0);
    expect(res.out).toContain('paths outside its folder');
    expect(existsSync(out)).toBe(false);
  });
});

describe('git steps', () => {
  it('clones a repository at a ref; then its guard holds', () => {
    const facts = boxFacts();
    const repo = join(facts.home, 'repo');
    const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
    mkdirSync(repo);
    git('init', '-q', '-b', 'main');
    writeFileSync(join(repo, 'f'), '1');
    git('add', 'f');
    git('commit', '-qm', 'one');
    git('tag', 'v1');
    writeFileSync(join(repo, 'f'), '2');
    git('commit', '-qam', 'two');
    const dir = join(facts.home, 'src/repo');
    const step = render('git', { git: `file://${repo}`, dir, ref: 'v1' }, facts);
    expect(sh(step.guard!).code).not.toBe(0);
    expect(sh(step.script).code).toBe(0);
    expect(readFileSync(join(dir, 'f'), 'utf8')).toBe('1');
    expect(sh(step.guard!).code).toBe(0);
  });

  it('refuses a ref or repository that git would read as an option', () => {
    const facts = boxFacts();
    const dir = join(facts.home, 'src/repo');
    expect(() => render('git', { git: 'https://example.org/r.git', dir, ref: '--upload-pack=touch /tmp/x' }, facts)).toThrow(/ref "--upload-pack=touch \/tmp\/x" begins with "-"/);
    expect(() => render('git', { git: '-uhttps://example.org/r.git', dir }, facts)).toThrow(/repository .* begins with "-"/);
  });
});
