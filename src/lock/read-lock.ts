import { UserError, UserErrors } from '../errors.js';
import { readRegularFile } from '../read-file.js';
import { zodErrors } from '../recipe/zod-errors.js';
import { parseYaml } from '../yaml/parse-yaml.js';
import { lockSchema, type Lock } from './schema.js';

// A lock lists every package and distribution of a stack with their digests: larger than a recipe, never huge.
const MAX_LOCK_BYTES = 4 * 1024 * 1024;

// Read a lock file (--locked FILE); one that cannot be read or is not a lock is one line naming file:line:col.
export function readLock(file: string): Lock {
  let text: string;
  try {
    text = readRegularFile(file, MAX_LOCK_BYTES);
  } catch (err) {
    throw new UserError(`--locked ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; write one with rig lock`, '--locked');
  }
  const { data, positions } = parseYaml(text, file, MAX_LOCK_BYTES);
  const result = lockSchema.safeParse(data);
  if (!result.success) throw new UserErrors(zodErrors(result.error, lockSchema, data, positions));
  return result.data;
}
