import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UserError } from '../errors.js';
import type { ExecOptions, ExecResult, Target } from './target.js';
import { spawnScript } from './spawn.js';

// This machine: scripts run with bash in a process group of their own.
export class LocalTarget implements Target {
  readonly name = 'local';
  readonly lasting = true;
  readonly cacheKey = 'local';
  readonly lockKey = 'local';

  exec(script: string, options: ExecOptions = {}): Promise<ExecResult> {
    return spawnScript('bash', ['-s'], script, options);
  }

  // Copied to a new file of its own (never through a link at the destination), then renamed into place.
  async putFile(localPath: string, targetPath: string): Promise<void> {
    await mkdir(dirname(targetPath), { recursive: true });
    const tmp = `${targetPath}.${randomBytes(6).toString('hex')}`;
    try {
      await copyFile(localPath, tmp, constants.COPYFILE_EXCL);
      await rename(tmp, targetPath);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  async commit(): Promise<void> {
    throw new UserError(`--commit needs a container target, not ${this.name}`, '--commit');
  }

  async close(): Promise<void> {}
}
