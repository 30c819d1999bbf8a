import { UserError } from '../errors.js';
import { LocalTarget } from './local.js';
import type { Target } from './target.js';

// Open the target named by --target: "local" (the default).
export async function openTarget(spec: string | undefined): Promise<Target> {
  if (spec === undefined || spec === 'local') return new LocalTarget();
  throw new UserError(`--target ${spec}: unknown target; this version supports: local`, '--target');
}
