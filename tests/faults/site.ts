import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serveDirectory, writeWheelIndex } from '../e2e/loopback.js';
import { DEBIAN_WHEELS } from '../e2e/podman.js';

// The stand-in sites the fault stack (tests/fixtures/fault-recipes/fault-stack.yaml) reaches, on one loopback server:
//   /simple/…      a PEP 503 index of Debian's real pip, setuptools and wheel wheels (fault-pip)
//   /repo.git      a bare git repository, served as git's dumb HTTP protocol serves one (fault-git)
//   /payload.bin   random bytes, with their sha256 (fault-download)

// What the payload and the repository are: large enough that their steps take a moment to strike in.
const PAYLOAD_BYTES = 48 * 1024 * 1024;
const REPO_FILES = 40;
const REPO_FILE_BYTES = 256 * 1024;

// The served site: its URL, the `--set` flags that point the fault stack at it, and what a good box has from it.
export interface Site {
  url: string;
  sets: string[];
  payloadSha256: string;
  // The commit the tag the stack checks out (v1) names; the branch has a later commit.
  refCommit: string;
  hits: string[];
  close(): Promise<void>;
}

function git(dir: string, args: string[]): string {
  const env = { ...process.env, GIT_AUTHOR_NAME: 'rig', GIT_AUTHOR_EMAIL: 'rig@example.invalid', GIT_COMMITTER_NAME: 'rig', GIT_COMMITTER_EMAIL: 'rig@example.invalid' };
  return execFileSync('git', ['-C', dir, ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

// A bare repository at `bare` with two commits, v1 tagging the first; served over dumb HTTP (update-server-info).
function makeRepo(work: string, bare: string): string {
  mkdirSync(work, { recursive: true });
  git(work, ['init', '-q', '-b', 'main']);
  for (let i = 0; i < REPO_FILES; i++) writeFileSync(join(work, `data-${i}.bin`), randomBytes(REPO_FILE_BYTES));
  writeFileSync(join(work, 'README'), 'fault suite repository, v1\n');
  git(work, ['add', '-A']);
  git(work, ['commit', '-q', '-m', 'v1']);
  git(work, ['tag', 'v1']);
  const commit = git(work, ['rev-parse', 'HEAD']);
  writeFileSync(join(work, 'README'), 'fault suite repository, after v1\n');
  git(work, ['commit', '-q', '-am', 'after v1']);
  execFileSync('git', ['clone', '-q', '--bare', work, bare]);
  git(bare, ['repack', '-a', '-d', '-q']);
  git(bare, ['update-server-info']);
  return commit;
}

// Build the site under `dir` and serve it.
export async function serveSite(dir: string): Promise<Site> {
  const www = join(dir, 'www');
  mkdirSync(www, { recursive: true });
  writeWheelIndex(www, DEBIAN_WHEELS);
  const refCommit = makeRepo(join(dir, 'repo-work'), join(www, 'repo.git'));
  const payload = randomBytes(PAYLOAD_BYTES);
  writeFileSync(join(www, 'payload.bin'), payload);
  const payloadSha256 = createHash('sha256').update(payload).digest('hex');
  const server = await serveDirectory(www);
  const sets = [
    `fault-pip.index=${server.url}/simple`,
    `fault-git.url=${server.url}/repo.git`,
    `fault-download.url=${server.url}/payload.bin`,
    `fault-download.sha256=${payloadSha256}`,
  ].flatMap((s) => ['--set', s]);
  return { url: server.url, sets, payloadSha256, refCommit, hits: server.hits, close: server.close };
}
