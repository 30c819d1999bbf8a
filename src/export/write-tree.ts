import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UserError } from '../errors.js';

// Write `files` (by path in the folder) as the folder `dir`, whole or not at all: built in a temp folder beside it,
// then renamed into place. A `dir` that exists is replaced only when it is empty or its `marked` file starts with
// `mark` (one rig wrote); otherwise it is refused and left as it is.
export function writeTreeWhole(dir: string, files: ReadonlyMap<string, string>, marked: string, mark: string): void {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    const ours = existsSync(join(dir, marked)) && readFileSync(join(dir, marked), 'utf8').startsWith(mark);
    if (!ours) throw new UserError(`--output ${dir}: the folder exists and is not one rig wrote (no ${marked} of rig's); give a new folder`, '--output');
  }
  const temp = `${dir}.${process.pid}.tmp`;
  try {
    for (const [path, text] of files) {
      const file = join(temp, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text, { mode: path.endsWith('.sh') ? 0o755 : 0o644 });
    }
    rmSync(dir, { recursive: true, force: true });
    renameSync(temp, dir);
  } catch (err) {
    rmSync(temp, { recursive: true, force: true });
    if (err instanceof UserError) throw err;
    throw new UserError(`--output ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, '--output');
  }
}
