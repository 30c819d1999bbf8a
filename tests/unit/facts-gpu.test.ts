import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseFacts } from '../../src/facts/parse.js';
import { FACTS_SCRIPT } from '../../src/facts/script.js';

// The stand-in nvidia-smi answers from a recorded box (tests/fixtures/nvidia-smi: real outputs, sources in each file).
const NVIDIA_SMI = fileURLToPath(new URL('../fixtures/nvidia-smi/', import.meta.url));

function factsOn(box: string) {
  const output = execFileSync('bash', ['-c', FACTS_SCRIPT], {
    encoding: 'utf8',
    env: { PATH: `${NVIDIA_SMI}:/usr/bin:/bin`, NVIDIA_SMI_BOX: `${NVIDIA_SMI}${box}`, HOME: '/nonexistent', LC_ALL: 'C' },
  });
  return parseFacts(output, 'test').gpu;
}

// The lines the facts script prints on every box, for outputs written out by hand.
const BASE = 'os.id=ubuntu\nos.version=22.04\nos.codename=jammy\nos.like=debian\nos.name=Ubuntu 22.04\narch=x86_64\ndebArch=amd64\ncpus=8\nmemoryMb=1024\nuser=u\nhome=/home/u\nroot=false\nsudo=false\ncontainer=false\npython3=\nenvDir=/e\nstateDir=/s\n';

describe('the GPU facts, gathered by the facts script from nvidia-smi', () => {
  it('reads the compute capability where the driver reports it', () => {
    expect(factsOn('driver-535-a10.txt')).toEqual({ count: 1, names: 'NVIDIA A10', driver: '535.104.05', compute: '8.6' });
    expect(factsOn('driver-580-h200.txt')).toMatchObject({ driver: '580.95.05', compute: '9.0' });
  });

  it('on a 470 driver, whose nvidia-smi refuses compute_cap (exit 2), still finds the GPU and takes its capability from its name', () => {
    expect(factsOn('driver-470-t4.txt')).toEqual({ count: 1, names: 'Tesla T4', driver: '470.239.06', compute: '7.5' });
  });

  it('the lowest capability of the box\'s GPUs governs', () => {
    const gpu = parseFacts(`${BASE}gpu=NVIDIA A100-SXM4-80GB, 550.54.15, 8.0\ngpu=Tesla P40, 550.54.15, 6.1\n`, 'test').gpu;
    expect(gpu).toEqual({ count: 2, names: 'NVIDIA A100-SXM4-80GB; Tesla P40', driver: '550.54.15', compute: '6.1' });
    expect(parseFacts(`${BASE}gpu=Some Future GPU, 600.1\n`, 'test').gpu.compute).toBe('');
  });
});
