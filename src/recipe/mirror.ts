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

// A mirror profile: values for templates (mirror.pip, …) and URL prefixes rewritten in every plan.
export interface Mirror {
  name: string;
  values: Record<string, string>;
  rewrites: { from: string; to: string }[];
}

// No mirror: every value empty, no rewrites.
export const NO_MIRROR: Mirror = { name: '', values: Object.fromEntries(MIRROR_KEYS.map((k) => [k, ''])), rewrites: [] };

// Rewrite a URL through the mirror's prefixes (the longest matching prefix wins).
export function rewriteUrl(mirror: Mirror, url: string): string {
  const rule = mirror.rewrites.filter((r) => url.startsWith(r.from)).sort((a, b) => b.from.length - a.from.length)[0];
  return rule ? rule.to + url.slice(rule.from.length) : url;
}
