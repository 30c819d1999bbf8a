import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The layers of src/, lowest first: a module may import its own layer and those below it, never one above.
// base: errors.ts and the other files at the top of src/, text/, shell/ and yaml/ (YAML with positions, data files).
const LAYERS = ['base', 'version', 'targets', 'facts', 'recipe', 'steps', 'plan', 'inventory', 'run', 'fleet', 'report', 'lock', 'export', 'cli'];
const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const files = readdirSync(SRC, { recursive: true }).map(String).filter((f) => f.endsWith('.ts'));

const layerOf = (file: string) => {
  const parts = file.split('/');
  return parts.length === 1 || ['text', 'shell', 'yaml'].includes(parts[0]!) ? 'base' : parts[0]!;
};

// Each module's relative imports (type-only ones too: they tie the layers as much), as paths under src/.
const imports = new Map(
  files.map((f) => [
    f,
    [...readFileSync(join(SRC, f), 'utf8').matchAll(/^(?:import|export)\s[^'"]*?from\s+'(\.[^']+)'/gm)].map((m) => normalize(join(dirname(f), m[1]!)).replace(/\.js$/, '.ts')),
  ]),
);

describe('the module graph of src/', () => {
  it('has every module in a known layer', () => {
    expect(files.filter((f) => !LAYERS.includes(layerOf(f)))).toEqual([]);
  });

  it('has no import that runs against the layers', () => {
    const against = [...imports].flatMap(([f, targets]) => targets.filter((t) => LAYERS.indexOf(layerOf(t)) > LAYERS.indexOf(layerOf(f))).map((t) => `${f} → ${t}`));
    expect(against).toEqual([]);
  });

  it('has no import cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (f: string, path: string[]): void => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push([...path.slice(path.indexOf(f)), f].join(' → '));
        return;
      }
      state.set(f, 'open');
      for (const t of imports.get(f) ?? []) visit(t, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of files) visit(f, []);
    expect(cycles).toEqual([]);
  });
});
