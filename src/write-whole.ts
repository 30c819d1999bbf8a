import { renameSync, rmSync, writeFileSync } from 'node:fs';

// Write a file whole or not at all: a temp file of this process beside it (made exclusively), then a rename.
export function writeWhole(file: string, text: string, mode = 0o644): void {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, text, { flag: 'wx', mode });
    renameSync(temp, file);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}
