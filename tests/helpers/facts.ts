import type { Facts } from '../../src/facts/types.js';

// Facts of a plain Debian 12 box, as root, without a GPU; override what a test needs.
export function makeFacts(over: Partial<Facts> = {}): Facts {
  return {
    os: { id: 'debian', version: '12', codename: 'bookworm', like: '', name: 'Debian GNU/Linux 12 (bookworm)' },
    arch: 'x86_64',
    debArch: 'amd64',
    cpus: 2,
    memoryMb: 8000,
    user: 'root',
    home: '/root',
    root: true,
    sudo: false,
    container: false,
    gpu: { count: 0, names: '', driver: '', compute: '' },
    cuda: '',
    python3: '3.11.2',
    envDir: '/etc/profile.d',
    stateDir: '/var/lib/rig',
    ...over,
  };
}
