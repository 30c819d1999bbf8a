import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { limitHosts } from '../../src/inventory/limit.js';
import { readInventory } from '../../src/inventory/read.js';

const hosts = readInventory(fileURLToPath(new URL('../fixtures/inventory/lab.ini', import.meta.url)));
const names = (pattern: string) => limitHosts(hosts, pattern).map((h) => h.name);

describe('--limit PATTERN', () => {
  it('picks hosts and groups by name, glob and ~regex, joined, intersected and taken away as Ansible\'s patterns', () => {
    expect(names('all')).toHaveLength(7);
    expect(names('*')).toHaveLength(7);
    expect(names('gpu-h200')).toEqual(['gpu-h200']);
    expect(names('cpu')).toEqual(['cpu-a', 'cpu-b']);
    expect(names('ungrouped')).toEqual(['mail.example.com']);
    expect(names('gpu0*')).toEqual(['gpu01.lab.example', 'gpu02.lab.example', 'gpu03.lab.example']);
    expect(names('~^gpu0[13]')).toEqual(['gpu01.lab.example', 'gpu03.lab.example']);
    expect(names('cpu:gpu-h200')).toEqual(['gpu-h200', 'cpu-a', 'cpu-b']);
    expect(names('cpu,mail.example.com')).toEqual(['mail.example.com', 'cpu-a', 'cpu-b']);
    expect(names('lab:!gpu')).toEqual(['cpu-a', 'cpu-b']);
    expect(names('lab:&gpu:!gpu02.lab.example')).toEqual(['gpu01.lab.example', 'gpu03.lab.example', 'gpu-h200']);
    expect(names('!lab')).toEqual(['mail.example.com']);
  });

  it('refuses a word that matches nothing, and a pattern that leaves no host, naming --limit', () => {
    for (const [pattern, want] of [
      ['gpus', /^--limit gpus: gpus matches no host or group of the inventory$/],
      ['cpu:!gpux', /gpux matches no host or group/],
      ['cpu:&gpu', /^--limit cpu:&gpu: matches no host of the inventory$/],
      ['~[', /^--limit ~\[: ~\[: Invalid regular expression/],
    ] as const) {
      let err: unknown;
      try {
        limitHosts(hosts, pattern);
      } catch (e) {
        err = e;
      }
      expect(err, pattern).toBeInstanceOf(UserError);
      expect((err as UserError).message, pattern).toMatch(want);
      expect((err as UserError).where).toBe('--limit');
    }
  });
});
