import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DigestAlgo } from '../recipe/schema.js';
import { DIGEST_DIGITS } from '../steps/download.js';
import { FetchClock } from './fetch-clock.js';

// Download progress: bytes received so far and the total when the server says it.
export type Progress = (received: number, total: number | undefined) => void;

// How a fetch is bounded and watched.
export interface FetchOptions {
  // The step's timeout: the response and the whole body within it (default: a download step's, an hour).
  timeoutMs?: number;
  // The run's signal: its abort goes through as it is.
  signal?: AbortSignal;
  onProgress?: Progress;
}

const DOWNLOAD_TIMEOUT_MS = 3_600_000;
// A checksum file lists a few digests; anything larger is not one.
const MAX_CHECKSUM_BYTES = 1024 * 1024;

// A download that failed in a way worth retrying (network, 5xx, a bound that ran out) or not (4xx, checksum mismatch).
export class FetchError extends Error {
  constructor(message: string, readonly retryable: boolean) {
    super(message);
  }
}

// Why a fetch failed: the run's own abort as it is, else the bound that ran out, else `network` (the network's reason).
function failure(url: string, err: unknown, clock: FetchClock, outer: AbortSignal | undefined, network: string): Error {
  if (outer?.aborted) return err as Error;
  return new FetchError(`${url}: ${clock.expired ?? network}`, true);
}

async function get(url: string, clock: FetchClock, outer: AbortSignal | undefined): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'follow', signal: clock.signal });
  } catch (err) {
    throw failure(url, err, clock, outer, (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message);
  }
  clock.responded();
  if (!res.ok || !res.body) {
    await res.body?.cancel().catch(() => undefined);
    throw new FetchError(`${url}: HTTP ${res.status} ${res.statusText}`, res.status >= 500 || res.status === 429);
  }
  return res;
}

// Run `fetchWith` on a clock of its own, stopped however it ends.
async function clocked<T>(options: FetchOptions, fetchWith: (clock: FetchClock) => Promise<T>): Promise<T> {
  const clock = new FetchClock(options.timeoutMs ?? DOWNLOAD_TIMEOUT_MS, options.signal);
  try {
    return await fetchWith(clock);
  } finally {
    clock.stop();
  }
}

// The body of a small file (at most `max` bytes), within the clock's bounds.
async function smallBody(url: string, res: Response, clock: FetchClock, outer: AbortSignal | undefined, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of Readable.fromWeb(res.body as import('node:stream/web').ReadableStream)) {
      clock.data((chunk as Buffer).length);
      size += (chunk as Buffer).length;
      if (size > max) break;
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    throw failure(url, err, clock, outer, `connection lost after ${size} bytes (${(err as Error).message})`);
  }
  if (size > max) throw new FetchError(`${url}: larger than ${max / 1024} KiB`, false);
  return Buffer.concat(chunks).toString('utf8');
}

// The text of a small file (at most `max` bytes): a checksum file, an index page.
export async function fetchText(url: string, max: number, options: FetchOptions = {}): Promise<string> {
  return clocked(options, async (clock) => smallBody(url, await get(url, clock, options.signal), clock, options.signal, max));
}

// Read a checksum file and return the digest listed for `fileName` (or its only digest).
export async function fetchChecksum(url: string, fileName: string, algo: DigestAlgo, options: FetchOptions = {}): Promise<string> {
  const text = await fetchText(url, MAX_CHECKSUM_BYTES, options);
  const hex = new RegExp(`^[0-9a-f]{${DIGEST_DIGITS[algo]}}$`, 'i');
  const rows = text.split('\n').map((l) => l.trim().split(/\s+/)).filter((r) => hex.test(r[0] ?? ''));
  const row = rows.find((r) => r[1]?.replace(/^\*/, '').split('/').pop() === fileName) ?? (rows.length === 1 ? rows[0] : undefined);
  if (!row) throw new FetchError(`${url}: no ${algo} listed for ${fileName}`, false);
  return row[0]!.toLowerCase();
}

async function digestOfFile(path: string, algo: DigestAlgo): Promise<string> {
  const hash = createHash(algo);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

// A digest to verify a download with.
export interface Digest {
  algo: DigestAlgo;
  value?: string;
}

// Fetch `url` into a temp file of `cacheDir`, hashing it as it comes; the file and its digest (a partial file is removed).
async function download(url: string, digest: Digest, cacheDir: string, clock: FetchClock, options: FetchOptions): Promise<{ tmp: string; found: string }> {
  const res = await get(url, clock, options.signal);
  const total = Number(res.headers.get('content-length')) || undefined;
  const tmp = join(cacheDir, `.partial-${randomBytes(6).toString('hex')}`);
  const hash = createHash(digest.algo);
  let received = 0;
  let lastReport = 0;
  const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream);
  body.on('data', (chunk: Buffer) => {
    clock.data(chunk.length);
    hash.update(chunk);
    received += chunk.length;
    const now = Date.now();
    if (now - lastReport > 200) {
      lastReport = now;
      options.onProgress?.(received, total);
    }
  });
  try {
    await pipeline(body, createWriteStream(tmp), { signal: clock.signal });
  } catch (err) {
    await rm(tmp, { force: true });
    throw failure(url, err, clock, options.signal, `connection lost after ${received} bytes (${(err as Error).message})`);
  }
  if (total !== undefined && received !== total) {
    await rm(tmp, { force: true });
    throw new FetchError(`${url}: got ${received} of ${total} bytes`, true);
  }
  options.onProgress?.(received, total);
  return { tmp, found: hash.digest('hex') };
}

// Fetch a URL into a content-addressed cache (named by its digest), verifying the digest; a cached copy is reused.
// The fetch keeps to the step's timeout: a response, and then bytes, never long in coming (see FetchClock), all within it.
export async function fetchToCache(url: string, digest: Digest, cacheDir: string, options: FetchOptions = {}): Promise<{ path: string; digest: string }> {
  await mkdir(cacheDir, { recursive: true });
  const cacheName = (hex: string) => (digest.algo === 'sha256' ? hex : `${digest.algo}-${hex}`);
  if (digest.value) {
    const cached = join(cacheDir, cacheName(digest.value));
    if (await stat(cached).then((s) => s.isFile(), () => false)) {
      // A cached copy is used only while it still has its digest; a damaged one is fetched again.
      if ((await digestOfFile(cached, digest.algo)) === digest.value) return { path: cached, digest: digest.value };
      await rm(cached, { force: true });
    }
  }
  const { tmp, found } = await clocked(options, (clock) => download(url, digest, cacheDir, clock, options));
  if (digest.value && found !== digest.value) {
    await rm(tmp, { force: true });
    throw new FetchError(`${url}: ${digest.algo} mismatch: got ${found}, wanted ${digest.value}`, false);
  }
  const path = join(cacheDir, cacheName(found));
  await rename(tmp, path);
  return { path, digest: found };
}
