import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The recorded facts files (rig facts --json) the recipe tests plan against, by box name.
export const FACTS_DIR = fileURLToPath(new URL('../fixtures/facts/', import.meta.url));

// Every recorded box, e.g. "ubuntu-22.04-gpu-550".
export const BOXES = readdirSync(FACTS_DIR).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();

// The facts file of a box.
export function factsFile(box: string): string {
  return `${FACTS_DIR}${box}.json`;
}
