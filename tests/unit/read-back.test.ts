import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TargetError } from '../../src/errors.js';
import { cachedFacts, saveFacts } from '../../src/facts/cache.js';
import { gatherFacts } from '../../src/facts/gather.js';
import { parseFacts } from '../../src/facts/parse.js';
import type { Facts } from '../../src/facts/types.js';
import { loadMirror } from '../../src/plan/mirror.js';
import { fetchToCache } from '../../src/run/fetch.js';
import { journalSchema, readJournal } from '../../src/run/journal.js';
import { lockFileSchema, TargetLock } from '../../src/run/lock.js';
import { LocalTarget } from '../../src/targets/local.js';
import type { ExecResult, Target } from '../../src/targets/target.js';
import { serve } from '../helpers/http.js';
import { tempDir } from '../helpers/temp.js';
import { errorLines } from '../helpers/errors.js';

const FACTS: Facts = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/facts/ubuntu-22.04.json', import.meta.url)), 'utf8'));

// This machine, but every script answers with the same result.
function answering(result: Partial<ExecResult>): Target {
  const target = new LocalTarget();
  target.exec = async () => ({ code: 0, output: '', timedOut: false, aborted: false, ...result });
  return target;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('the journal, read back from the target', () => {
  const journal = { version: 1, target: 'local', command: 'apply x', started: 'now', outcome: 'ok', steps: [{ recipe: 'x', index: 0, title: 't', hash: 'h', state: 'done', at: 'now' }], pending: {} };

  it('is the journal when it is one this rig writes, and nothing when there is none', async () => {
    const dir = tempDir();
    const bad: string[] = [];
    expect(await readJournal(new LocalTarget(), join(dir, 'journal.json'), (l) => bad.push(l))).toBeUndefined();
    writeFileSync(join(dir, 'journal.json'), `${JSON.stringify(journal)}\n`);
    expect(await readJournal(new LocalTarget(), join(dir, 'journal.json'), (l) => bad.push(l))).toEqual(journal);
    expect(bad).toEqual([]);
  });

  for (const [what, text, why] of [
    ['of the wrong shape', '{"version":1}', /target: missing/],
    ['with a pending map that is not one', JSON.stringify({ ...journal, pending: 'x' }), /pending: /],
    ['of another version', JSON.stringify({ ...journal, version: 2 }), /version: /],
    ['cut short', JSON.stringify(journal).slice(0, 40), /not JSON/],
  ] as const) {
    it(`${what} is set aside as .bad, said in one line`, async () => {
      const dir = tempDir();
      const path = join(dir, 'journal.json');
      writeFileSync(path, text);
      const bad: string[] = [];
      expect(await readJournal(new LocalTarget(), path, (l) => bad.push(l))).toBeUndefined();
      expect(bad).toHaveLength(1);
      expect(bad[0]).toMatch(why);
      expect(bad[0]).toContain(`${path}: not a journal this rig writes (`);
      expect(bad[0]).toMatch(new RegExp(`set aside as ${path}\\.bad$`));
      expect(bad[0]).not.toContain('\n');
      expect(existsSync(path)).toBe(false);
      expect(readFileSync(`${path}.bad`, 'utf8')).toBe(text);
    });
  }

  it('has the type its schema says', () => {
    expect(journalSchema.safeParse(journal).success).toBe(true);
    expect(journalSchema.safeParse({ ...journal, steps: [{ ...journal.steps[0], state: 'gone' }] }).success).toBe(false);
  });
});

describe('the lock file', () => {
  for (const [what, text, why] of [
    ['of the wrong shape', '{}', /pid: missing/],
    ['that is a list', '[]', /expected object/],
    ['cut short', '{"pid":', /not JSON/],
    ['naming a pid that is not one', '{"pid":"12","start":"1"}', /pid: /],
  ] as const) {
    it(`${what} is taken over as stale, said once, and then holds this process`, async () => {
      const dir = tempDir();
      const path = join(dir, 'lock');
      writeFileSync(path, text);
      const unreadable: string[] = [];
      const lock = await TargetLock.acquire(path, false, { onUnreadable: (file, w) => unreadable.push(`${file}: ${w}`), onWait: () => unreadable.push('waited') });
      expect(unreadable).toHaveLength(1);
      expect(unreadable[0]).toMatch(why);
      expect(unreadable[0]!.startsWith(`${path}: `)).toBe(true);
      expect(lock.contended).toBe(true);
      expect(lockFileSchema.parse(JSON.parse(readFileSync(path, 'utf8'))).pid).toBe(process.pid);
      lock.release();
      expect(existsSync(path)).toBe(false);
    });
  }

  it('names no process group: a number alone could name another process by the time it is read (signalling -1 reaches every process)', () => {
    expect(lockFileSchema.safeParse({ pid: 5, start: '1', stepGroup: 1 }).success).toBe(false);
    expect(lockFileSchema.safeParse({ pid: 5, start: '1', stepGroup: 4242 }).success).toBe(false);
    expect(lockFileSchema.safeParse({ pid: 5, start: '1' }).success).toBe(true);
  });

  it('is written whole: a second taker never finds it empty', async () => {
    const path = join(tempDir(), 'lock');
    const lock = await TargetLock.acquire(path, false);
    expect(readdirSync(join(path, '..'))).toEqual(['lock']);
    expect(lockFileSchema.safeParse(JSON.parse(readFileSync(path, 'utf8'))).success).toBe(true);
    lock.release();
  });
});

describe('the facts cache', () => {
  const pathOf = (state: string, key: string) => join(state, 'cache', 'facts', `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.json`);

  for (const [what, text] of [
    ['cut short', JSON.stringify(FACTS).slice(0, 50)],
    ['of the wrong shape', JSON.stringify({ ...FACTS, cpus: 'many' })],
    ['of an older rig', JSON.stringify({ ...FACTS, gpu: { count: 0, names: '', driver: '' } })],
    ['not an object', 'null'],
  ]) {
    it(`${what} is only a missed guess, and is written afresh`, () => {
      const state = tempDir();
      vi.stubEnv('RIG_STATE_DIR', state);
      saveFacts('k', FACTS);
      expect(cachedFacts('k')).toEqual(FACTS);
      writeFileSync(pathOf(state, 'k'), text);
      expect(cachedFacts('k')).toBeUndefined();
      saveFacts('k', FACTS);
      expect(cachedFacts('k')).toEqual(FACTS);
    });
  }
});

describe('the download cache', () => {
  it('fetches again a cached download that no longer has its digest', async () => {
    const body = 'the real file\n';
    const sha256 = createHash('sha256').update(body).digest('hex');
    const server = await serve((_path, res) => res.end(body));
    try {
      const cache = tempDir();
      const first = await fetchToCache(`${server.url}/f`, { algo: 'sha256', value: sha256 }, cache);
      writeFileSync(first.path, 'the real f');
      const again = await fetchToCache(`${server.url}/f`, { algo: 'sha256', value: sha256 }, cache);
      expect(server.hits).toHaveLength(2);
      expect(readFileSync(again.path, 'utf8')).toBe(body);
      await fetchToCache(`${server.url}/f`, { algo: 'sha256', value: sha256 }, cache);
      expect(server.hits).toHaveLength(2);
    } finally {
      await server.close();
    }
  });
});

describe('facts a target reports', () => {
  it('are read from the facts script as it runs here', async () => {
    const facts = await gatherFacts(new LocalTarget());
    expect(facts.arch).toMatch(/\w/);
    expect(facts.stateDir).not.toBe('');
  });

  it('that the facts script cannot report (it fails) are a target error carrying its output', async () => {
    const err = await gatherFacts(answering({ code: 3, output: 'bash: nvidia-smi: Input/output error\n' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TargetError);
    expect((err as TargetError).message).toBe('local: cannot report its facts: the facts script failed (exit 3)');
    expect((err as TargetError).output).toContain('Input/output error');
  });

  // The facts script's lines, with some values changed.
  const printed = (changed: Record<string, string>) =>
    Object.entries({ 'os.id': 'x', 'os.version': '1', 'os.codename': '', 'os.like': '', 'os.name': '', arch: 'x86_64', debArch: '', cpus: '1', memoryMb: '1', user: 'u', home: '/h', root: 'true', sudo: 'false', container: 'false', python3: '', envDir: '/e', stateDir: '/s', ...changed })
      .map(([k, v]) => `${k}=${v}\n`)
      .join('');

  it('printed as the facts script prints them are the facts', () => {
    expect(parseFacts(printed({}), 'box')).toMatchObject({ arch: 'x86_64', cpus: 1, root: true, stateDir: '/s' });
  });

  for (const [what, output, why] of [
    ['nothing', '', /os\.id: missing/],
    ['a login banner', 'Welcome to the box!\nLast login: yesterday\n', /os\.id: missing/],
    ['a flag that is neither true nor false', printed({ root: 'yes' }), /root: /],
    ['a fraction of a CPU', printed({ cpus: '1.5' }), /cpus: /],
    ['no state directory', printed({ stateDir: '' }), /stateDir: /],
  ] as const) {
    it(`printed as ${what} are a target error carrying the output`, async () => {
      const err = await gatherFacts(answering({ output })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TargetError);
      expect((err as TargetError).message).toMatch(/^local: cannot report its facts: the facts script printed /);
      expect((err as TargetError).message).toMatch(why);
      expect((err as TargetError).output).toBe(output);
      expect(() => parseFacts(output, 'box')).toThrow(TargetError);
    });
  }
});

describe('a mirror profile file', () => {
  const profile = (text: string) => {
    const file = join(tempDir(), 'mirror.yaml');
    writeFileSync(file, text);
    return file;
  };

  it('that is not a URL where one is wanted is one line naming file:line:col', () => {
    const file = profile('name: x\nvalues:\n  pip: not a url\n');
    expect(errorLines(() => loadMirror(file))).toEqual([`${file}:3:8: values.pip: expected an http(s) URL`]);
    const bracket = profile('name: x\nvalues:\n  pip: "https://[bad"\n');
    expect(errorLines(() => loadMirror(bracket))).toEqual([`${bracket}:3:8: values.pip: expected an http(s) URL`]);
    const rewrite = profile('name: x\nrewrite:\n  - { from: "https://a/", to: "ftp://b/" }\n');
    expect(errorLines(() => loadMirror(rewrite))).toEqual([`${rewrite}:3:31: rewrite[0].to: expected an http(s) URL`]);
  });

  it('with a host, a GOPROXY list or a key of the wrong kind is one line each, naming file:line:col', () => {
    const file = profile('name: x\nvalues:\n  pipHost: "https://a/"\n  goproxy: "https://goproxy.cn,nowhere"\n  pipp: https://a/\n');
    expect(errorLines(() => loadMirror(file))).toEqual([
      `${file}:3:12: values.pipHost: expected a host name, e.g. mirrors.aliyun.com`,
      `${file}:4:12: values.goproxy: expected a GOPROXY list: http(s) URLs, direct or off, separated by ","`,
      `${file}:5:3: values.pipp: unknown key "pipp" (did you mean "pip"?)`,
    ]);
  });

  it('that cannot be read is one line naming it', () => {
    const dir = join(tempDir(), 'profile.yaml');
    mkdirSync(dir);
    expect(errorLines(() => loadMirror(dir))).toEqual([`${dir}: cannot read mirror profile: EISDIR`]);
  });

  it('of every built-in mirror parses, with its pip host', () => {
    const builtin = readdirSync(fileURLToPath(new URL('../../recipes/data/mirrors/', import.meta.url))).map((f) => f.replace(/\.yaml$/, ''));
    expect(builtin.length).toBeGreaterThan(2);
    for (const name of builtin) expect(loadMirror(name).values.pipHost, name).toMatch(/^[a-z0-9.-]+$/);
  });
});
