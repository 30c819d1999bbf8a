import { TargetError } from '../errors.js';
import type { Target } from '../targets/target.js';
import { parseFacts } from './parse.js';
import { FACTS_SCRIPT } from './script.js';
import type { Facts } from './types.js';

// Gather the target's facts with one read-only script; a target that cannot report them is a TargetError with its output.
export async function gatherFacts(target: Target): Promise<Facts> {
  const result = await target.exec(FACTS_SCRIPT, { env: { LC_ALL: 'C' } });
  if (result.code !== 0) throw new TargetError(target.name, `cannot report its facts: the facts script failed (exit ${result.code})`, result.output);
  return parseFacts(result.output, target.name);
}
