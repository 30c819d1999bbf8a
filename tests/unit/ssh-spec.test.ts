import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { parseSshSpec } from '../../src/targets/ssh-spec.js';

describe('--target ssh:[user@]host[:port]', () => {
  it('reads a host alone, a user, a port, an IPv6 address in brackets', () => {
    expect(parseSshSpec('gpu-07')).toEqual({ host: 'gpu-07' });
    expect(parseSshSpec('ada@gpu-07.lab.example')).toEqual({ user: 'ada', host: 'gpu-07.lab.example' });
    expect(parseSshSpec('root@10.0.0.7:2222')).toEqual({ user: 'root', host: '10.0.0.7', port: 2222 });
    expect(parseSshSpec('root@[fe80::1]:22')).toEqual({ user: 'root', host: 'fe80::1', port: 22 });
  });

  it('refuses what ssh would read as an option, an empty host, a port out of range', () => {
    for (const bad of ['', '-oProxyCommand=touch /tmp/x', 'root@-p', 'root@', 'host:0', 'host:65536', 'a b', 'host:22:33']) {
      expect(() => parseSshSpec(bad), bad).toThrow(UserError);
    }
  });
});
