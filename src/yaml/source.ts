import { isMap, isPair, isScalar, isSeq, LineCounter, type Document, type Node } from 'yaml';

// A path into a recipe document: keys and list indexes.
export type KeyPath = readonly (string | number)[];

// Format a key path the way users write it: steps[2].apt
export function formatPath(path: KeyPath): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out ? `.${key}` : String(key);
  return out;
}

// Maps key paths of a parsed YAML document to "file:line:col" positions.
export class SourcePositions {
  constructor(
    readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  // Position of the node at `path`, or of the nearest parent that exists.
  at(path: KeyPath): string {
    return this.format(this.nodeAt(path)?.range?.[0] ?? 0);
  }

  // Position of a key (not its value) inside the map at `path`.
  keyAt(path: KeyPath, key: string): string {
    const map = this.nodeAt(path);
    if (isMap(map)) {
      const pair = map.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
      const range = pair && isScalar(pair.key) ? pair.key.range : undefined;
      if (range) return this.format(range[0]);
    }
    return this.at(path);
  }

  // "file:line:col" of a character offset.
  format(offset: number): string {
    const { line, col } = this.lines.linePos(offset);
    return `${this.file}:${line}:${col}`;
  }

  private nodeAt(path: KeyPath): Node | undefined {
    let node: unknown = this.doc.contents;
    let found = node as Node | undefined;
    for (const key of path) {
      if (isMap(node)) node = node.get(key, true);
      else if (isSeq(node) && typeof key === 'number') node = node.get(key, true);
      else break;
      if (!node) break;
      found = node as Node;
    }
    return found;
  }
}
