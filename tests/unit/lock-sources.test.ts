import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { neededBy, parseInstalled } from '../../src/lock/dpkg-needs.js';
import { hashesOnPage } from '../../src/lock/index-hashes.js';
import { lockedPins, pipClosure } from '../../src/lock/pinned.js';
import type { Lock } from '../../src/lock/schema.js';

const fixture = (path: string) => readFileSync(fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url)), 'utf8');

describe('the digests an index page lists for a version', () => {
  // download.pytorch.org's page shape (tests/fixtures/index-pages/README.md says where its lines come from).
  const page = fixture('index-pages/torch.html');

  it('takes each #sha256= of the files of that version, local label and all, and no other', () => {
    expect(hashesOnPage(page, '2.5.1+cpu')).toEqual(['4856f9d6925121d13c2df07aa7580b767f449dfe71ae5acde9c27535d5da4840']);
    const cu118 = hashesOnPage(page, '2.5.1+cu118');
    expect(cu118.length).toBeGreaterThan(0);
    expect(cu118).not.toContain('4856f9d6925121d13c2df07aa7580b767f449dfe71ae5acde9c27535d5da4840');
    // The cu124 index also has a 2.5.1 wheel with no local label (for aarch64): a version of its own.
    expect(hashesOnPage(page, '2.5.1')).toEqual(['d468d0eddc188aa3c1e417ec24ce615c48c0c3f592b0354d9d3b99837ef5faa6']);
    expect(hashesOnPage(page, '9.9.9')).toEqual([]);
  });

  it('reads sdists by their last field, and skips links without a digest or a name it cannot decode', () => {
    const html = [
      '<a href="../../packages/python-dateutil-2.8.2.tar.gz#sha256=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef">python-dateutil-2.8.2.tar.gz</a>',
      '<a href="python_dateutil-2.8.2-py2.py3-none-any.whl#md5=00">whl</a>',
      '<a href="bad%E0%A4%A-2.8.2.tar.gz#sha256=1111111111111111111111111111111111111111111111111111111111111111">x</a>',
    ].join('\n');
    expect(hashesOnPage(html, '2.8.2')).toEqual(['0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef']);
  });

  it('on a flat --find-links page, takes only the files of the project asked for', () => {
    const html = [
      `<a href="torch-2.5.1%2Bcpu-cp310-cp310-linux_x86_64.whl#sha256=${'a'.repeat(64)}">t</a>`,
      `<a href="torchvision-2.5.1-cp310-cp310-linux_x86_64.whl#sha256=${'b'.repeat(64)}">v</a>`,
      `<a href="Python_Dateutil-2.5.1.tar.gz#sha256=${'c'.repeat(64)}">d</a>`,
    ].join('\n');
    expect(hashesOnPage(html, '2.5.1+cpu', 'torch')).toEqual(['a'.repeat(64)]);
    expect(hashesOnPage(html, '2.5.1', 'torch')).toEqual([]);
    expect(hashesOnPage(html, '2.5.1', 'torchvision')).toEqual(['b'.repeat(64)]);
    expect(hashesOnPage(html, '2.5.1', 'python-dateutil')).toEqual(['c'.repeat(64)]);
    expect(hashesOnPage(html, '2.5.1')).toEqual(['b'.repeat(64), 'c'.repeat(64)]);
  });
});

describe('what an apt package needs, from what dpkg has installed', () => {
  // dpkg's own answer on Debian 12 for git and what it needs (the file's first line says how it was asked).
  const installed = parseInstalled(fixture('dpkg/bookworm-git.tsv').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split('\t')));

  it('follows Depends and Pre-Depends through installed packages, alternatives and what packages provide', () => {
    const needs = neededBy(['git'], installed);
    expect([...needs.keys()][0]).toBe('git');
    expect(needs.get('git')).toEqual(expect.arrayContaining(['git-man', 'libc6', 'libcurl3-gnutls', 'perl', 'zlib1g']));
    expect(needs.has('perl-base')).toBe(true);
    expect(needs.has('mawk')).toBe(false);
    expect(neededBy(['no-such-package'], installed).size).toBe(0);
  });
});

describe('a lock as the step renderers read it', () => {
  const sha = (c: string) => c.repeat(64);
  const lock: Lock = {
    version: 1, request: ['x'], box: { os: 'debian 12', codename: 'bookworm', arch: 'x86_64', gpu: '', driver: '', compute: '', cuda: '', python3: '3.11.2' }, recipes: { x: {} },
    apt: { git: { version: '1:2.39.5-0+deb12u3', arch: 'amd64', requires: ['git-man', 'perl'] }, 'git-man': { version: '1:2.39.5-0+deb12u3', arch: 'all' }, perl: { version: '5.36.0-7+deb12u2', arch: 'amd64' } },
    pip: {
      '/v/bin/python': {
        requests: { version: '2.31.0', requires: ['idna', 'urllib3'], sha256: [sha('a')] },
        idna: { version: '3.6', sha256: [sha('b'), sha('c')] },
        urllib3: { version: '2.1.0', sha256: [sha('d')] },
        wheel: { version: '0.42.0' },
      },
    },
  };

  it('pins a pip step to its distributions and all they require, with every digest, or with versions alone when one has none', () => {
    const pins = lockedPins(lock);
    expect(pipClosure(lock.pip!['/v/bin/python']!, ['requests'])).toEqual(['idna', 'requests', 'urllib3']);
    expect(pins.pip('/v/bin/python', ['requests'])?.lines).toEqual([
      `idna==3.6 --hash=sha256:${sha('b')} --hash=sha256:${sha('c')}`,
      `requests==2.31.0 --hash=sha256:${sha('a')}`,
      `urllib3==2.1.0 --hash=sha256:${sha('d')}`,
    ]);
    expect(pins.pip('/v/bin/python', ['requests', 'wheel'])?.lines).toEqual(['idna==3.6', 'requests==2.31.0', 'urllib3==2.1.0', 'wheel==0.42.0']);
    expect(pins.pip('/v/bin/python', ['requests'])?.versions).toEqual(new Map([['idna', '3.6'], ['requests', '2.31.0'], ['urllib3', '2.1.0']]));
    expect(pins.pip('/v/bin/python', ['numpy'])).toBeUndefined();
    expect(pins.pip('/other/python', ['requests'])).toBeUndefined();
  });

  it('gives an apt package its version and what it needs, as name=version', () => {
    const pins = lockedPins(lock);
    expect(pins.apt('git')).toBe('1:2.39.5-0+deb12u3');
    expect(pins.aptNeeds(['git'])).toEqual(['git-man=1:2.39.5-0+deb12u3', 'perl=5.36.0-7+deb12u2']);
    expect(pins.aptNeeds(['git', 'perl'])).toEqual(['git-man=1:2.39.5-0+deb12u3']);
  });
});
