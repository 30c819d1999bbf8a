import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { installedFrom } from '../../src/lock/apt-origins.js';

// Recorded on Ubuntu 22.04 (the fixture's first line says how).
const JAMMY = readFileSync(new URL('../fixtures/apt/jammy-policy.txt', import.meta.url), 'utf8');

describe('the archives an installed version came from', () => {
  it('names each by origin and the suite the sources give, for the installed version only', () => {
    const from = installedFrom(JAMMY);
    // bash and base-files as installed are the release's own; a newer version elsewhere is not what is installed.
    expect(from.get('bash')).toEqual(['Ubuntu jammy/main']);
    expect(from.get('base-files')).toEqual(['Ubuntu jammy/main']);
    // A package asked for with its architecture is named without it.
    expect(from.get('libc6')).toEqual(['Ubuntu jammy/main']);
    // Not installed: nothing.
    expect(from.has('git')).toBe(false);
  });

  it('lists every archive that offers the installed version, sorted, whatever host serves it', () => {
    const mirrored = JAMMY.replaceAll('http://archive.ubuntu.com/ubuntu', 'https://mirrors.tuna.tsinghua.edu.cn/ubuntu')
      .replace(' *** 5.1-6ubuntu1 500', '     5.1-6ubuntu1 500').replace('     5.1-6ubuntu1.1 500', ' *** 5.1-6ubuntu1.1 500');
    expect(installedFrom(mirrored).get('bash')).toEqual(['Ubuntu jammy-security/main', 'Ubuntu jammy-updates/main']);
  });

  it('leaves out a version only dpkg has, and output without package lists', () => {
    expect(installedFrom('Package files:\n 100 /var/lib/dpkg/status\n     release a=now\n--\nbash:\n  Installed: 5.1\n  Version table:\n *** 5.1 100\n        100 /var/lib/dpkg/status\n').size).toBe(0);
    expect(installedFrom('').size).toBe(0);
  });
});
