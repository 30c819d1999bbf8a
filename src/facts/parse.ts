import { z } from 'zod';
import { TargetError } from '../errors.js';
import { problems } from '../read-back.js';
import { computeOf, lowestCompute } from './gpu-compute.js';
import { factsSchema, type Facts, type RecordedFacts } from './types.js';

const flag = z.enum(['true', 'false']);

// The facts script's output: the key=value lines it always prints (cuda only where nvcc is, gpu lines apart).
const outputSchema = z.object({
  'os.id': z.string(),
  'os.version': z.string(),
  'os.codename': z.string(),
  'os.like': z.string(),
  'os.name': z.string(),
  arch: z.string().min(1),
  debArch: z.string(),
  cpus: z.string(),
  memoryMb: z.string(),
  user: z.string(),
  home: z.string(),
  root: flag,
  sudo: flag,
  container: flag,
  cuda: z.string().optional(),
  python3: z.string(),
  envDir: z.string().min(1),
  stateDir: z.string().min(1),
});

// Turn the facts script's key=value lines into Facts; output that is not the script's is a TargetError of `target`.
export function parseFacts(output: string, target: string): Facts {
  const values: Record<string, string> = {};
  const gpus: string[][] = [];
  for (const line of output.split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1).trim();
    if (key === 'gpu') gpus.push(value.split(',').map((s) => s.trim()));
    else values[key] = value;
  }
  const read = outputSchema.safeParse(values);
  if (!read.success) throw new TargetError(target, `cannot report its facts: the facts script printed what rig cannot read (${problems(read.error, values)})`, output);
  const get = (key: keyof typeof read.data) => read.data[key] ?? '';
  const arch = get('arch');
  const built = {
    os: { id: get('os.id'), version: get('os.version'), codename: get('os.codename'), like: get('os.like'), name: get('os.name') },
    arch,
    debArch: get('debArch') || ({ x86_64: 'amd64', aarch64: 'arm64' } as Record<string, string>)[arch] || arch,
    cpus: Number(get('cpus')) || 1,
    memoryMb: Number(get('memoryMb')) || 0,
    user: get('user'),
    home: get('home'),
    root: get('root') === 'true',
    sudo: get('sudo') === 'true',
    container: get('container') === 'true',
    gpu: {
      count: gpus.length,
      names: gpus.map((g) => g[0]).join('; '),
      driver: gpus[0]?.[1] ?? '',
      compute: lowestCompute(gpus.map((g) => computeOf(g[0] ?? '', g[2]))),
    },
    cuda: get('cuda'),
    python3: get('python3'),
    envDir: get('envDir'),
    stateDir: get('stateDir'),
  };
  const facts = factsSchema.safeParse(built);
  if (!facts.success) throw new TargetError(target, `cannot report its facts: the facts script printed values rig cannot use (${problems(facts.error, built)})`, output);
  return facts.data;
}

// A one-line description of a machine: "debian 12 (bookworm), x86_64, 2 cpus, no GPU".
export function describeFacts(f: Facts): string {
  const os = `${f.os.id || 'unknown os'} ${f.os.version}${f.os.codename ? ` (${f.os.codename})` : ''}`.trim();
  const sm = f.gpu.compute ? `, sm_${f.gpu.compute.replace('.', '')}` : '';
  const gpu = f.gpu.count ? `${f.gpu.count} GPU${f.gpu.count > 1 ? 's' : ''} (driver ${f.gpu.driver}${sm})` : 'no GPU';
  const cuda = f.cuda ? `, CUDA ${f.cuda}` : '';
  return `${os}, ${f.arch}, ${f.cpus} cpus, ${gpu}${cuda}${f.container ? ', in a container' : ''}`;
}

// Facts recorded before rig knew a fact of GPUs get it the way gathering would: compute capability from the GPU names.
export function completeFacts(f: RecordedFacts): Facts {
  if (typeof f.gpu.compute === 'string') return f as Facts;
  const names = f.gpu.count > 0 ? f.gpu.names.split('; ') : [];
  return { ...f, gpu: { ...f.gpu, compute: lowestCompute(names.map((n) => computeOf(n))) } };
}
