import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`rig: no package.json above ${start}`);
  }
}

// The directory rig is installed in (holds package.json, recipes/ and schema/), however the code is laid out.
export const PACKAGE_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));
