import { describe, expect, it } from 'vitest';
import { makeFacts } from '../helpers/facts.js';
import { planOf, type Fixture } from '../helpers/plan.js';

describe('derive table with join: a field of every matching row', () => {
  const fx: Fixture = {
    recipes: {
      gcc: 'summary: s\nparams:\n  version: { default: "9" }\nderive:\n' +
        '  offered: { use: table, with: { file: distros, table: gcc, where: { codename: "{{ facts.os.codename }}" }, get: version, join: ", " } }\n' +
        '  repo: { use: table, with: { file: distros, table: releases, where: { codename: "{{ facts.os.codename }}" }, get: repo, default: "" } }\n' +
        'assert:\n  - params: { version: none }\n    say: "offered: [{{ vars.offered }}]"\nsteps:\n  - apt: ["gcc-{{ params.version }}"]\n    when: { nonempty: "{{ vars.repo }}" }\n  - apt: [gcc]\n',
    },
    data: { distros: 'source: test\nreleases:\n  - { codename: bookworm }\n  - { codename: jammy, repo: ubuntu2204 }\ngcc:\n  - { codename: jammy, version: "11" }\n  - { codename: bookworm, version: "11" }\n  - { codename: bookworm, version: "12" }\n' },
  };
  const os = (codename: string) => makeFacts({ os: { id: 'debian', version: '12', codename, like: '', name: codename } });
  const gcc = (codename: string) => planOf(fx, ['gcc'], { facts: os(codename) }).recipes[0]!;

  it('joins the values in the table\'s order, and is empty when no row matches', () => {
    expect(gcc('bookworm').blocked).toBe('offered: [11, 12]');
    expect(gcc('plucky').blocked).toBe('offered: []');
  });

  it('takes `default` for a row without the field, as for a missing row', () => {
    expect(gcc('bookworm').steps).toHaveLength(1);
    expect(gcc('jammy').steps).toHaveLength(2);
  });
});

describe('torch-release: a release set by hand needs wheels for the Python', () => {
  const fx: Fixture = {
    recipes: {
      torch: 'summary: s\nparams:\n  version: { default: auto }\n  python: { default: "" }\nderive:\n' +
        '  version: { use: torch-release, with: { torch: "{{ params.version }}", python: "{{ params.python }} {{ facts.python3 }}" } }\n' +
        'steps:\n  - pip: ["torch=={{ vars.version }}"]\n',
    },
    data: {
      pytorch: 'source: test\ntorch:\n  - { version: "2.9.1", cuda: [cu128], python: ">=3.10 <3.15" }\n  - { version: "2.4.1", cuda: [cu121], python: ">=3.8 <3.13" }\n  - { version: "2.1.2", cuda: [cu121], python: ">=3.8 <3.12" }\n',
      cuda: 'source: test\ncompat:\n  - { major: "12", driver: "525.60.13" }\nsm:\n  - { major: "12", min: "5.0" }\n',
    },
  };
  const torch = (python3: string, sets: string[] = [], over = {}) => planOf(fx, ['torch'], { facts: makeFacts({ python3, ...over }), sets }).recipes[0]!;

  it('blocks one without, naming the release auto picks for this Python and box', () => {
    expect(torch('3.12.3', ['torch.version=2.1.2']).blocked).toBe('torch 2.1.2 has no wheel for Python 3.12.3 (its wheels are for >=3.8 <3.12); leave the version auto, or set 2.9.1: the newest release for Python 3.12.3');
    const gpu = { gpu: { count: 1, names: 'NVIDIA A10', driver: '535.104.05', compute: '8.6' } };
    expect(torch('3.9.2', ['torch.version=2.9.1'], gpu).blocked).toBe('torch 2.9.1 has no wheel for Python 3.9.2 (its wheels are for >=3.10 <3.15); leave the version auto, or set 2.4.1: the newest release with a build for driver 535.104.05 and sm_86 (Python 3.9.2)');
    expect(torch('3.11.2', ['torch.version=2.1.2']).blocked).toBeUndefined();
  });

  it('judges by the Python given before the box\'s (a pyenv one, say)', () => {
    expect(torch('3.11.2', ['torch.version=2.1.2', 'torch.python=3.12']).blocked).toMatch(/^torch 2\.1\.2 has no wheel for Python 3\.12 /);
  });

  it('blocks auto where no release has wheels for the Python, saying which Pythons they have, and where there is no python3', () => {
    const old = torch('3.7.3');
    expect(old.blocked).toBe('no torch release in data/pytorch.yaml has wheels for Python 3.7.3: the newest, 2.9.1, has them for >=3.10 <3.15, the oldest, 2.1.2, for >=3.8 <3.12');
    expect(torch('').blocked).toBe('torch 2.9.1 has wheels for Python >=3.10 <3.15, and no python3 was found to install it for');
    expect(torch('3.12.3').notes).toEqual(['torch 2.9.1: the newest release for Python 3.12.3']);
  });
});
