// Values a mirror profile provides to templates as mirror.<key> (empty when no mirror is chosen).
export const MIRROR_KEYS: readonly string[] = [
  'name',
  'pip',
  'pipHost',
  'conda',
  'condaCloud',
  'ubuntu',
  'debian',
  'goproxy',
  'rustupServer',
  'rustupRoot',
  'hf',
  'npm',
  'pythonBuild',
  'pytorchWheels',
];
