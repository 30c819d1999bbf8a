import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serve } from '../helpers/http.js';
import { rig } from '../helpers/rig.js';
import { victim } from '../helpers/steps.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

// Only what the recipe declares is written: `rig apply` on this machine, with links planted where rig used to write,
// archives that climb out of their folder, recipes that set rig's own variables, two instances of one env recipe, and
// values that a command would read as options. Each test looks at what is left on disk.

const sha = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

function box() {
  const root = tempDir();
  const env = { RIG_ENV_DIR: join(root, 'env'), RIG_STATE_DIR: join(root, 'state'), RIG_TARGET_STATE: join(root, 'tstate') };
  const recipes = join(root, 'recipes');
  const apply = (args: string[]) => rig(['apply', ...args, '--recipes', recipes], { env });
  return { root, env, recipes, apply, write: (files: Record<string, string>) => writeFiles(recipes, files) };
}


// A tar archive made by Python's tarfile, whose members no tar command would write: [type, name, target or content, mode].
function tarball(members: [type: 'file' | 'dir' | 'link', name: string, data?: string, mode?: number][]): Buffer {
  const py = [
    'import io, json, sys, tarfile',
    'out = io.BytesIO()',
    'with tarfile.open(fileobj=out, mode="w", format=tarfile.GNU_FORMAT) as t:',
    '    for kind, name, data, mode in json.loads(sys.argv[1]):',
    '        i = tarfile.TarInfo(name); i.mtime = 1700000000; i.mode = mode or 0o644',
    '        i.type = {"file": tarfile.REGTYPE, "dir": tarfile.DIRTYPE, "link": tarfile.SYMTYPE}[kind]',
    '        body = (data or "").encode() if kind == "file" else b""',
    '        if kind == "link": i.linkname = data',
    '        i.size = len(body)',
    '        t.addfile(i, io.BytesIO(body))',
    'sys.stdout.buffer.write(out.getvalue())',
  ].join('\n');
  return execFileSync('python3', ['-c', py, JSON.stringify(members.map(([k, n, d, m]) => [k, n, d ?? null, m ?? null]))]);
}

describe('temp files', () => {
  it('are never a planted link: neither PATH.rig-tmp of a file step nor the download\'s /var/tmp/rig-NAME.partial is written through', async () => {
    const b = box();
    const shadow = victim(b.root);
    const other = victim(b.root, 'gshadow');
    const name = `tool-${randomBytes(4).toString('hex')}`;
    const partial = `/var/tmp/rig-${name}.partial`;
    const payload = Buffer.from('#!/bin/sh\necho tool\n');
    const server = await serve((_path, res) => res.end(payload));
    mkdirSync(join(b.root, 'etc'));
    symlinkSync(shadow.path, join(b.root, 'etc/app.conf.rig-tmp'));
    symlinkSync(other.path, partial);
    try {
      b.write({
        'w.yaml': `name: w\nsummary: s\nsteps:\n  - file: ${b.root}/etc/app.conf\n    content: "key = 1\\n"\n  - download: ${server.url}/${name}\n    sha256: ${sha(payload)}\n    to: ${b.root}/bin/${name}\n    mode: "0755"\n`,
      });
      const res = await b.apply(['w']);
      expect(res.code, res.stdout + res.stderr).toBe(0);
      shadow.intact();
      other.intact();
      expect(readFileSync(join(b.root, 'etc/app.conf'), 'utf8')).toBe('key = 1\n');
      expect(readFileSync(join(b.root, 'bin', name)).equals(payload)).toBe(true);
      expect(statSync(join(b.root, 'bin', name)).mode & 0o777).toBe(0o755);
      expect(readdirSync(join(b.root, 'etc'))).toEqual(['app.conf', 'app.conf.rig-tmp'].sort());
      expect(readdirSync(join(b.root, 'bin'))).toEqual([name]);
    } finally {
      rmSync(partial, { force: true });
      await server.close();
    }
  });
});

describe('archives', () => {
  it('with a link whose target has a space and climbs out are refused; nothing is unpacked', async () => {
    const b = box();
    const data = tarball([['file', 'bin/tool', 'ok'], ['link', 'bin/etc', '../../../outside x']]);
    const server = await serve((_path, res) => res.end(data));
    try {
      b.write({ 'x.yaml': `name: x\nsummary: s\ncheck:\n  run: test -f ${b.root}/opt/x/bin/tool\nsteps:\n  - download: ${server.url}/x.tar\n    sha256: ${sha(data)}\n    extract: ${b.root}/opt/x\n` });
      const res = await b.apply(['x']);
      expect(res.code).toBe(1);
      expect(res.stdout).toContain('rig: archive has links outside its folder; refusing it');
      expect(existsSync(join(b.root, 'opt'))).toBe(false);
      expect(readdirSync(join(b.env.RIG_TARGET_STATE, 'partial'))).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('keep the mode of the folder they are unpacked into, whatever mode the archive gives "./"', async () => {
    const b = box();
    const dir = join(b.root, 'opt/x');
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    const data = tarball([['dir', './', undefined, 0o777], ['dir', './bin', undefined, 0o755], ['file', './bin/tool', 'ok', 0o755]]);
    const server = await serve((_path, res) => res.end(data));
    try {
      b.write({ 'x.yaml': `name: x\nsummary: s\ncheck:\n  run: test -f ${dir}/bin/tool\nsteps:\n  - download: ${server.url}/x.tar\n    sha256: ${sha(data)}\n    extract: ${dir}\n` });
      const res = await b.apply(['x']);
      expect(res.code, res.stdout + res.stderr).toBe(0);
      expect(statSync(dir).mode & 0o777).toBe(0o755);
      expect(readFileSync(join(dir, 'bin/tool'), 'utf8')).toBe('ok');
    } finally {
      await server.close();
    }
  });
});

describe('rig\'s own variables', () => {
  it('cannot be set by an env step: validate and apply refuse it at its line, and a later download deletes nothing', async () => {
    const b = box();
    const keep = victim(b.root, 'precious');
    const payload = Buffer.from('blob');
    const server = await serve((_path, res) => res.end(payload));
    try {
      b.write({
        'envy.yaml': `name: envy\nsummary: s\nsteps:\n  - env:\n      vars:\n        RIG_FILE: ${keep.path}\n`,
        'dl.yaml': `name: dl\nsummary: s\nrequires: [envy]\ncheck:\n  run: test -f ${b.root}/blob\nsteps:\n  - download: ${server.url}/blob\n    sha256: ${sha(payload)}\n    to: ${b.root}/blob\n`,
      });
      const validate = await rig(['validate', join(b.recipes, 'envy.yaml')], { env: b.env });
      expect(validate.code).toBe(2);
      expect(validate.stderr).toContain(`${join(b.recipes, 'envy.yaml')}:6:19: steps[0].env.vars.RIG_FILE: RIG_FILE is rig's own`);
      const res = await b.apply(['dl']);
      expect(res.code).toBe(2);
      keep.intact();
      expect(existsSync(b.env.RIG_ENV_DIR) ? readdirSync(b.env.RIG_ENV_DIR) : []).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe('two instances of one env recipe', () => {
  it('keep a profile file each, and a second apply rewrites neither', async () => {
    const b = box();
    b.write({
      'tooldir.yaml': `name: tooldir\nsummary: s\nparams:\n  dir: { default: /opt/none }\ncheck:\n  run: 'case ":$PATH:" in *:{{ params.dir }}/bin:*) true ;; *) false ;; esac'\nsteps:\n  - env:\n      path: ["{{ params.dir }}/bin"]\n      vars: { TOOLDIR_SEEN: "yes" }\n`,
      'two.yaml': `name: two\nsummary: s\nrequires:\n  - { recipe: tooldir, with: { dir: "${b.root}/a" } }\n  - { recipe: tooldir, with: { dir: "${b.root}/b" } }\n`,
    });
    const first = await b.apply(['two']);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const files = () => readdirSync(b.env.RIG_ENV_DIR).sort().map((f) => ({ f, text: readFileSync(join(b.env.RIG_ENV_DIR, f), 'utf8'), ino: statSync(join(b.env.RIG_ENV_DIR, f)).ino }));
    const before = files();
    expect(before).toHaveLength(2);
    expect(before.map((x) => x.f).every((f) => /^rig-tooldir-[0-9a-f]{12}\.sh$/.test(f))).toBe(true);
    expect(before.map((x) => x.text.includes(`${b.root}/a/bin`) ? 'a' : x.text.includes(`${b.root}/b/bin`) ? 'b' : '?').sort()).toEqual(['a', 'b']);
    const second = await b.apply(['two']);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(files()).toEqual(before);
  });
});

describe('a file line', () => {
  it('with a line break is refused (at its line in validate, and from a --set at apply), and the file is left as it was', async () => {
    const b = box();
    const conf = join(b.root, 'app.conf');
    writeFileSync(conf, 'x\n');
    b.write({
      'liner.yaml': `name: liner\nsummary: s\nparams:\n  l: { default: "x" }\nsteps:\n  - file: ${conf}\n    line: "{{ params.l }}"\n`,
      'literal.yaml': `name: literal\nsummary: s\nsteps:\n  - file: ${conf}\n    line: "x\\ny"\n`,
    });
    const validate = await rig(['validate', join(b.recipes, 'literal.yaml')], { env: b.env });
    expect(validate.code).toBe(2);
    expect(validate.stderr).toContain(`${join(b.recipes, 'literal.yaml')}:5:11: steps[0].line: a line has no line break`);
    const res = await b.apply(['liner', '--set', 'liner.l=x\ny']);
    expect(res.code, res.stdout + res.stderr).toBe(2);
    expect(res.stderr).toMatch(/liner\.yaml:6:5: steps\[0\]: file: line "x\\ny" has a line break/);
    expect(readFileSync(conf, 'utf8')).toBe('x\n');
  });
});

describe('values read as options', () => {
  it('are refused: a pip requirement, a download URL or a checksum URL beginning with "-"; no script is written', async () => {
    const b = box();
    b.write({
      'p.yaml': `name: p\nsummary: s\nsteps:\n  - pip: ["-r/etc/shadow"]\n`,
      'd.yaml': `name: d\nsummary: s\nsteps:\n  - download: "-K/etc/shadow"\n    sha256: ${'a'.repeat(64)}\n    to: /opt/x\n`,
      's.yaml': `name: s\nsummary: s\nsteps:\n  - download: https://example.org/x\n    sha256: { from: "-K/etc/shadow" }\n    to: /opt/x\n`,
    });
    for (const name of ['p', 'd', 's']) {
      const out = join(b.root, `${name}.sh`);
      const res = await rig(['export', 'sh', name, '--recipes', b.recipes, '-o', out], { env: b.env });
      expect(res.code, `${name}: ${res.stdout}${res.stderr}`).toBe(2);
      expect(res.stderr).toMatch(new RegExp(`${name}\\.yaml:4:5: steps\\[0\\]`));
      expect(existsSync(out), name).toBe(false);
    }
  });
});

describe('a run step with secretOutput', () => {
  it('writes the secret to a file made fresh, never through a link planted at the name rig once used', async () => {
    const b = box();
    const shadow = victim(b.root);
    const token = join(b.root, 'out', 'token');
    mkdirSync(join(b.root, 'out'));
    symlinkSync(shadow.path, `${token}.rig-tmp`);
    b.write({ 'tok.yaml': `name: tok\nsummary: s\nsteps:\n  - run: echo s3cr3t-value\n    secretOutput: ${token}\n    creates: ${token}\n` });
    const res = await b.apply(['tok']);
    expect(res.code, res.stdout + res.stderr).toBe(0);
    shadow.intact();
    expect(readFileSync(token, 'utf8')).toBe('s3cr3t-value\n');
    expect(statSync(token).mode & 0o777).toBe(0o600);
  });
});

describe('a git step whose clone fails half-way', () => {
  it('leaves no half repository at its folder, and nothing beside it', async () => {
    const b = box();
    const out = join(b.root, 'out');
    b.write({ 'g.yaml': `name: g\nsummary: s\nsteps:\n  - git: file://${b.root}/no-such-repo.git\n    dir: ${out}/repo\n    retries: 0\n` });
    const res = await b.apply(['g']);
    expect(res.code).toBe(1);
    expect(readdirSync(out)).toEqual([]);
  });
});
