import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DigestAlgo } from '../recipe/schema.js';
import { DIGEST_DIGITS } from '../steps/download.js';

// Download progress: bytes received so far and the total when the server says it.
export type Progress = (received: number, total: number | undefined) => void;

// A download that failed in a way worth retrying (network, 5xx) or not (4xx, checksum mismatch).
export class FetchError extends Error {
  constructor(message: string, readonly retryable: boolean) {
    super(message);
  }
}

async function get(url: string, signal?: AbortSignal): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'follow', ...(signal ? { signal } : {}) });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new FetchError(`${url}: ${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}`, true);
  }
  if (!res.ok || !res.body) throw new FetchError(`${url}: HTTP ${res.status} ${res.statusText}`, res.status >= 500 || res.status === 429);
  return res;
}

// Read a checksum file and return the digest listed for `fileName` (or its only digest).
export async function fetchChecksum(url: string, fileName: string, algo: DigestAlgo, signal?: AbortSignal): Promise<string> {
  const text = await (await get(url, signal)).text();
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

// Fetch a URL into a content-addressed cache (named by its digest), verifying the digest; a cached copy is reused.
export async function fetchToCache(url: string, digest: Digest, cacheDir: string, onProgress?: Progress, signal?: AbortSignal): Promise<{ path: string; digest: string }> {
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
  const res = await get(url, signal);
  const total = Number(res.headers.get('content-length')) || undefined;
  const tmp = join(cacheDir, `.partial-${randomBytes(6).toString('hex')}`);
  const hash = createHash(digest.algo);
  let received = 0;
  let lastReport = 0;
  const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream);
  body.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    received += chunk.length;
    const now = Date.now();
    if (now - lastReport > 200) {
      lastReport = now;
      onProgress?.(received, total);
    }
  });
  try {
    await pipeline(body, createWriteStream(tmp), ...(signal ? [{ signal }] : []));
  } catch (err) {
    await rm(tmp, { force: true });
    if (signal?.aborted) throw err;
    throw new FetchError(`${url}: connection lost after ${received} bytes (${(err as Error).message})`, true);
  }
  if (total !== undefined && received !== total) {
    await rm(tmp, { force: true });
    throw new FetchError(`${url}: got ${received} of ${total} bytes`, true);
  }
  onProgress?.(received, total);
  const found = hash.digest('hex');
  if (digest.value && found !== digest.value) {
    await rm(tmp, { force: true });
    throw new FetchError(`${url}: ${digest.algo} mismatch: got ${found}, wanted ${digest.value}`, false);
  }
  const path = join(cacheDir, cacheName(found));
  await rename(tmp, path);
  return { path, digest: found };
}
