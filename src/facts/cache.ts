import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { writeWhole } from '../write-whole.js';
import { join } from 'node:path';
import { readBack } from '../read-back.js';
import { stateDir } from '../state-dir.js';
import { factsSchema, type Facts } from './types.js';

function pathOf(key: string): string {
  return join(stateDir(), 'cache', 'facts', `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.json`);
}

// The facts last gathered on the target with this key, if any: a guess that lets facts and checks run in one round trip.
export function cachedFacts(key: string): Facts | undefined {
  try {
    // A cache that is not what this rig writes is only a missed guess (and is written afresh after this run).
    const read = readBack(readFileSync(pathOf(key), 'utf8'), factsSchema);
    return 'data' in read ? read.data : undefined;
  } catch {
    return undefined;
  }
}

// Remember the facts of a target for the next run (the file is left as it is when it holds them already).
export function saveFacts(key: string, facts: Facts): void {
  const path = pathOf(key);
  const text = JSON.stringify(facts);
  try {
    if (readFileSync(path, 'utf8') === text) return;
  } catch {
    // none yet
  }
  try {
    mkdirSync(join(path, '..'), { recursive: true });
    writeWhole(path, text);
  } catch {
    // a cache that cannot be written only costs a round trip
  }
}
