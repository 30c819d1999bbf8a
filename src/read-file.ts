import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

// The most rig reads of a file a user names (a recipe, --facts, --mirror): they are small files.
export const MAX_FILE_BYTES = 4 * 1024 * 1024;
const CHUNK_BYTES = 256 * 1024;

// Read a regular file of at most `max` bytes as UTF-8. A FIFO, a device or a directory is never read (it is opened
// without blocking, then refused), nor more than `max` bytes of anything; the Error says why ("not a regular file",
// "larger than 4 MiB", or an fs error with its code).
export function readRegularFile(file: string, max = MAX_FILE_BYTES): string {
  const fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
    if (!stat.isFile()) throw new Error('not a regular file');
    // Read in chunks up to one byte past the limit: the size fstat reports can be wrong (files in /proc say 0) or change.
    const chunks: Buffer[] = [];
    let length = 0;
    for (let n = -1; n !== 0 && length <= max; length += n) {
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, max + 1 - length));
      n = readSync(fd, chunk, 0, chunk.length, null);
      chunks.push(chunk.subarray(0, n));
    }
    if (length > max) throw new Error(`larger than ${max / 1024 / 1024} MiB`);
    return Buffer.concat(chunks, length).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
