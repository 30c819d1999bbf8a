import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Facts } from '../../src/facts/types.js';
import { NO_MIRROR, type Mirror } from '../../src/recipe/mirror.js';
import type { Step } from '../../src/recipe/model.js';
import { stepSchemas } from '../../src/recipe/schema.js';
import { renderData, renderShell, renderText } from '../../src/recipe/template.js';
import { renderStep } from '../../src/steps/render.js';
import type { RenderContext, RenderedStep } from '../../src/steps/types.js';
import { makeFacts } from '../helpers/facts.js';
import { boxFacts, renderTestStep as render, sh, victim } from '../helpers/steps.js';
import { tempDir } from '../helpers/temp.js';

// What rig writes on a box is what the recipe declares: temp files are made fresh (never written through a link planted
// at a name rig would use), archives are unpacked only when every member stays in its folder, and values that reach a
// command as arguments are never read as options.





// A tar archive made by Python's tarfile, so that members no tar command would write (links anywhere, "./" with mode
// 0777, devices) are easy to make. Each member: [type, name, target or content, mode].
function tarball(dir: string, members: [type: 'file' | 'dir' | 'link' | 'hard' | 'char', name: string, data?: string, mode?: number][]): string {
  const file = join(dir, 'a.tar');
  const py = [
    'import io, json, sys, tarfile',
    'with tarfile.open(sys.argv[1], "w", format=tarfile.GNU_FORMAT) as t:',
    '    for kind, name, data, mode in json.loads(sys.argv[2]):',
    '        i = tarfile.TarInfo(name); i.mtime = 1700000000; i.mode = mode or 0o644',
    '        kinds = {"file": tarfile.REGTYPE, "dir": tarfile.DIRTYPE, "link": tarfile.SYMTYPE, "hard": tarfile.LNKTYPE, "char": tarfile.CHRTYPE}',
    '        i.type = kinds[kind]',
    '        body = (data or "").encode() if kind == "file" else b""',
    '        if kind in ("link", "hard"): i.linkname = data',
    '        i.size = len(body)',
    '        t.addfile(i, io.BytesIO(body))',
  ].join('\n');
  execFileSync('python3', ['-c', py, file, JSON.stringify(members.map(([k, n, d, m]) => [k, n, d ?? null, m ?? null]))]);
  return file;
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

// Unpack `archive` with a download step into `dir`, as the runner would (the file at its temp path).
function unpack(facts: Facts, archive: string, dir: string, strip = 0): { code: number; out: string; step: RenderedStep } {
  const step = render('download', { download: 'https://example.org/a.tar', sha256: sha(archive), extract: dir, ...(strip ? { strip } : {}) }, facts);
  mkdirSync(join(step.fetch!.tempPath, '..'), { recursive: true });
  execFileSync('cp', [archive, step.fetch!.tempPath]);
  return { ...sh(step.script, { RIG_FILE: step.fetch!.tempPath, RIG_DIGEST: sha(archive) }), step };
}

describe('temp files are made fresh, never written through a planted link', () => {
  it('file content: a link at PATH.rig-tmp is replaced by nothing and its target is untouched', () => {
    const facts = boxFacts();
    const shadow = victim(facts.home);
    const path = join(facts.home, 'etc/app.conf');
    mkdirSync(join(facts.home, 'etc'));
    symlinkSync(shadow.path, `${path}.rig-tmp`);
    const step = render('file', { file: path, content: 'key = 1\n' }, facts);
    expect(sh(step.script).code).toBe(0);
    shadow.intact();
    expect(readFileSync(path, 'utf8')).toBe('key = 1\n');
    expect(statSync(path).mode & 0o777).toBe(0o644);
    expect(readdirSync(join(facts.home, 'etc')).sort()).toEqual(['app.conf', 'app.conf.rig-tmp']);
  });

  it('file line: a link at PATH.rig-tmp is not written through; the file keeps its mode', () => {
    const facts = boxFacts();
    const shadow = victim(facts.home);
    const path = join(facts.home, '.bashrc');
    writeFileSync(path, 'alias ll="ls -l"\n', { mode: 0o640 });
    symlinkSync(shadow.path, `${path}.rig-tmp`);
    const step = render('file', { file: path, line: 'export A=1' }, facts);
    expect(sh(step.script).code).toBe(0);
    shadow.intact();
    expect(readFileSync(path, 'utf8')).toBe('alias ll="ls -l"\nexport A=1\n');
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(sh(step.guard!).code).toBe(0);
  });

  it('a link at the destination itself is replaced, never followed', () => {
    const facts = boxFacts();
    const shadow = victim(facts.home);
    const path = join(facts.home, 'app.conf');
    symlinkSync(shadow.path, path);
    expect(sh(render('file', { file: path, content: 'x\n' }, facts).script).code).toBe(0);
    shadow.intact();
    expect(lstatSync(path).isSymbolicLink()).toBe(false);
  });

  it('download to: a link at DEST.rig-tmp to a folder neither receives the file nor changes its mode', () => {
    const facts = boxFacts();
    const vault = join(facts.home, 'vault');
    mkdirSync(vault, { mode: 0o700 });
    const dest = join(facts.home, 'opt/tool');
    mkdirSync(join(facts.home, 'opt'));
    symlinkSync(vault, `${dest}.rig-tmp`);
    const payload = join(facts.home, 'payload');
    writeFileSync(payload, 'binary');
    const step = render('download', { download: 'https://example.org/tool', sha256: sha(payload), to: dest, mode: '0755' }, facts);
    mkdirSync(join(step.fetch!.tempPath, '..'), { recursive: true });
    execFileSync('cp', [payload, step.fetch!.tempPath]);
    expect(sh(step.script, { RIG_FILE: step.fetch!.tempPath, RIG_DIGEST: sha(payload) }).code).toBe(0);
    expect(readdirSync(vault)).toEqual([]);
    expect(statSync(vault).mode & 0o777).toBe(0o700);
    expect(readFileSync(dest, 'utf8')).toBe('binary');
    expect(statSync(dest).mode & 0o777).toBe(0o755);
    expect(existsSync(step.fetch!.tempPath)).toBe(false);
  });

  it('the fetched file waits in rig\'s own state folder on the target, not under a fixed name in /var/tmp', () => {
    const { fetch } = render('download', { download: 'https://example.org/x/tool.tgz', sha256: 'a'.repeat(64), to: '/opt/tool' }, makeFacts());
    expect(fetch!.tempPath).toBe('/var/lib/rig/partial/tool.tgz');
  });
});

describe('archives are checked member by member before they are unpacked', () => {
  it('refuses a link whose target has a space and climbs out of the folder; nothing is unpacked', () => {
    const facts = boxFacts();
    const dir = join(facts.home, 'opt/x');
    const res = unpack(facts, tarball(facts.home, [['file', 'bin/tool', 'ok'], ['link', 'etc', '../../../etc x']]), dir);
    expect(res.code, res.out).not.toBe(0);
    expect(res.out).toContain('rig: archive has links outside its folder; refusing it');
    expect(existsSync(dir)).toBe(false);
    expect(existsSync(res.step.fetch!.tempPath)).toBe(false);
  });

  it('refuses a member reached through a link of the archive (a/b -> ., then a/b/c -> "../../x y", which is a/c -> ../../x y)', () => {
    const facts = boxFacts();
    const dir = join(facts.home, 'opt/x');
    const res = unpack(facts, tarball(facts.home, [['dir', 'a', undefined, 0o755], ['link', 'a/b', '.'], ['link', 'a/b/c', '../../x y']]), dir);
    expect(res.code, res.out).not.toBe(0);
    expect(existsSync(join(dir, 'a'))).toBe(false);
  });

  it('refuses links that climb out only once --strip-components has removed the top folder', () => {
    const facts = boxFacts();
    const dir = join(facts.home, 'opt/x');
    const archive = tarball(facts.home, [['file', 'top/lib/libz.so.1', 'z'], ['link', 'top/up', '../escaped']]);
    expect(unpack(facts, archive, join(facts.home, 'opt/whole')).code).toBe(0);
    expect(unpack(facts, archive, dir, 1).code).not.toBe(0);
    expect(existsSync(dir)).toBe(false);
  });

  it('refuses devices, and names or links outside the folder, whatever characters the names hold', () => {
    const facts = boxFacts();
    const bad: Parameters<typeof tarball>[1][] = [
      [['char', 'dev/mem']],
      [['file', '../escaped', 'x']],
      [['file', '/abs/x', 'x']],
      [['file', 'a"\n -> "b', 'x'], ['link', 'q -> "ok"', '/etc']],
    ];
    for (const members of bad) {
      const dir = join(tempDir(), 'x');
      const res = unpack(facts, tarball(tempDir(), members), dir);
      expect(res.code, JSON.stringify(members)).not.toBe(0);
      expect(existsSync(dir), JSON.stringify(members)).toBe(false);
    }
  });

  it('never makes a hard link to a file outside the folder (tar reads hard link targets inside it)', () => {
    const facts = boxFacts();
    const shadow = victim(facts.home);
    const dir = join(facts.home, 'opt/x');
    unpack(facts, tarball(facts.home, [['hard', 'h', `../../..${shadow.path}`], ['hard', 'g', shadow.path]]), dir);
    shadow.intact();
    expect(statSync(shadow.path).nlink).toBe(1);
  });

  it('unpacks links that stay inside, such as ../lib/x from bin/, and names with spaces and quotes', () => {
    const facts = boxFacts();
    const dir = join(facts.home, 'opt/node');
    const res = unpack(facts, tarball(facts.home, [['file', 'lib/cli.js', 'js'], ['link', 'bin/npm', '../lib/cli.js'], ['file', 'doc/a "b" c.txt', 'd'], ['hard', 'lib/copy.js', 'lib/cli.js']]), dir);
    expect(res.code, res.out).toBe(0);
    expect(readFileSync(join(dir, 'bin/npm'), 'utf8')).toBe('js');
    expect(readFileSync(join(dir, 'doc/a "b" c.txt'), 'utf8')).toBe('d');
    expect(sh(res.step.guard!).code).toBe(0);
  });

  it('keeps the mode of the folder it unpacks into, whatever mode the archive gives "./"; nothing unpacked is world-writable', () => {
    const facts = boxFacts();
    const dir = join(facts.home, 'opt/x');
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    const res = unpack(facts, tarball(facts.home, [['dir', './', undefined, 0o777], ['dir', './share', undefined, 0o777], ['file', './share/f', 'f', 0o666]]), dir);
    expect(res.code, res.out).toBe(0);
    expect(statSync(dir).mode & 0o777).toBe(0o755);
    expect(statSync(join(dir, 'share')).mode & 0o002).toBe(0);
    expect(statSync(join(dir, 'share/f')).mode & 0o002).toBe(0);
  });
});

describe('values that reach a command as arguments are never read as options', () => {
  it('refuses download URLs and checksum URLs that are not URLs (one starting with "-" would be a curl option)', () => {
    const facts = boxFacts();
    expect(() => render('download', { download: '-K/etc/shadow', sha256: 'a'.repeat(64), to: '/opt/x' }, facts)).toThrow(/is not a URL/);
    expect(() => render('download', { download: 'https://example.org/x', sha256: { from: '-K/etc/shadow' }, to: '/opt/x' }, facts)).toThrow(/is not a URL/);
  });

  it('refuses a pip requirement that begins with "-"', () => {
    expect(() => render('pip', { pip: ['-r/etc/shadow'] }, boxFacts())).toThrow(/begins with "-"/);
    expect(() => render('pip', { pip: ['--index-url=https://evil.example/simple', 'torch'] }, boxFacts())).toThrow(/begins with "-"/);
  });

  it('refuses a git URL that a mirror rewrites into one beginning with "-"', () => {
    const mirror: Mirror = { ...NO_MIRROR, rewrites: [{ from: 'https://github.com/', to: '--upload-pack=touch /tmp/x ' }] };
    expect(() => render('git', { git: 'https://github.com/a/b', dir: '/opt/b' }, boxFacts(), { mirror })).toThrow(/begins with "-"/);
  });
});

describe('a file line is one line', () => {
  it('refuses a line with a line break, whether written in the recipe or rendered from a param', () => {
    expect(stepSchemas.file.safeParse({ file: '/x', line: 'a\nb' }).success).toBe(false);
    const facts = boxFacts();
    const step = { kind: 'file', spec: stepSchemas.file.parse({ file: join(facts.home, 'f'), line: '{{ params.l }}' }), index: 0, where: 'r.yaml:1:1' } as Step;
    const ctx: RenderContext = { facts, mirror: NO_MIRROR, recipe: 'r', secretEnvs: [], data: (t) => renderData(t, { params: { l: 'x\ny' } }), shell: (t) => renderShell(t, {}), text: (t) => renderText(t, {}) };
    expect(() => renderStep(step, ctx)).toThrow(/line break/);
  });
});

describe('rig\'s own variable names are reserved', () => {
  it('refuses env steps and run environments that set RIG_* or rig_* variables', () => {
    for (const env of [{ vars: { RIG_FILE: '/etc/passwd' } }, { vars: { rig_env: 'x' } }, { prepend: { RIG_DIGEST: ['/x'] } }, { vars: { Rig_Tmp: 'x' } }]) {
      expect(stepSchemas.env.safeParse({ env }).success, JSON.stringify(env)).toBe(false);
    }
    expect(stepSchemas.run.safeParse({ run: 'true', environment: { RIG_SECRET_X_Y: 'v' } }).success).toBe(false);
    expect(stepSchemas.env.safeParse({ env: { vars: { RIGOROUS: 'ok', MY_RIG_HOME: 'ok' } } }).success).toBe(true);
  });
});

describe('env profile files', () => {
  it('are one per instance: the plain instance keeps rig-NAME.sh, instances required with params get one each', () => {
    const facts = boxFacts();
    const spec = { env: { path: ['/opt/a/bin'] } };
    const plain = render('env', spec, facts, { recipe: 'venv', instance: 'venv' });
    const a = render('env', spec, facts, { recipe: 'venv', instance: 'venv(path=/opt/a)' });
    const b = render('env', spec, facts, { recipe: 'venv', instance: 'venv(path=/opt/b)' });
    const file = (s: RenderedStep) => s.title.split(' → ')[1]!;
    expect(file(plain)).toBe(join(facts.envDir, 'rig-venv.sh'));
    expect(file(a)).toMatch(/\/rig-venv-[0-9a-f]{12}\.sh$/);
    expect(new Set([file(plain), file(a), file(b)]).size).toBe(3);
  });
});
