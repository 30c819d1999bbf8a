import type { Target } from '../targets/target.js';
import { parseFacts } from './parse.js';
import { FACTS_SCRIPT } from './script.js';
import type { Facts } from './types.js';

// Gather the target's facts with one read-only script.
export async function gatherFacts(target: Target): Promise<Facts> {
  const result = await target.exec(FACTS_SCRIPT, { env: { LC_ALL: 'C' } });
  if (result.code !== 0) throw new Error(`gathering facts on ${target.name} failed (exit ${result.code}): ${result.output.trim().slice(-500)}`);
  return parseFacts(result.output);
}
