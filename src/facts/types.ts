// What the target machine is, gathered on the target in one round trip.
export interface Facts {
  os: { id: string; version: string; codename: string; like: string; name: string };
  arch: string;
  debArch: string;
  cpus: number;
  memoryMb: number;
  user: string;
  home: string;
  root: boolean;
  sudo: boolean;
  container: boolean;
  // compute: the lowest compute capability of the GPUs ("6.1"), '' when unknown.
  gpu: { count: number; names: string; driver: string; compute: string };
  cuda: string;
  python3: string;
  envDir: string;
  stateDir: string;
}

// Dotted names of every fact, as recipes write them in templates: facts.os.codename
export const FACT_PATHS: readonly string[] = [
  'os.id',
  'os.version',
  'os.codename',
  'os.like',
  'os.name',
  'arch',
  'debArch',
  'cpus',
  'memoryMb',
  'user',
  'home',
  'root',
  'sudo',
  'container',
  'gpu.count',
  'gpu.names',
  'gpu.driver',
  'gpu.compute',
  'cuda',
  'python3',
  'envDir',
  'stateDir',
];
