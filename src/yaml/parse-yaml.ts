import { LineCounter, parseDocument } from 'yaml';
import { UserError } from '../errors.js';
import { SourcePositions } from './source.js';

// Recipe files larger than this are refused.
const MAX_RECIPE_BYTES = 256 * 1024;
const MAX_ALIASES = 50;

// A YAML file parsed to plain data, with positions for its keys.
export interface ParsedYaml {
  data: unknown;
  positions: SourcePositions;
}

// Parse YAML text; syntax errors, duplicate keys, alias bombs and files over `maxBytes` (a recipe's limit unless
// given) become UserErrors.
export function parseYaml(text: string, file: string, maxBytes = MAX_RECIPE_BYTES): ParsedYaml {
  if (Buffer.byteLength(text) > maxBytes) {
    throw new UserError(`file is larger than ${maxBytes / 1024} KiB${maxBytes === MAX_RECIPE_BYTES ? '; recipes are small files' : ''}`, `${file}:1:1`);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, strict: true });
  const positions = new SourcePositions(file, doc, lines);
  const [error] = doc.errors;
  if (error) {
    const message = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new UserError(`YAML: ${message}`, positions.format(error.pos[0]));
  }
  try {
    return { data: doc.toJS({ maxAliasCount: MAX_ALIASES }), positions };
  } catch (err) {
    throw new UserError(`YAML: ${(err as Error).message} (too many aliases; refusing to expand)`, `${file}:1:1`);
  }
}
