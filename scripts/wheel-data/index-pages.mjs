// PEP 503 project pages: read from a saved copy or fetched, and the wheel file names they link to.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PageError } from './errors.mjs';

const FETCH_TIMEOUT_MS = 60_000;

// The HTML of one index page: the saved copy DIR/file with --from, else fetched from url.
export async function readPage(url, file, from) {
  if (from !== undefined) {
    const path = join(from, file);
    try {
      return readFileSync(path, 'utf8');
    } catch (err) {
      throw new PageError(`cannot read ${path}: ${err.code ?? err.message}`);
    }
  }
  let response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch (err) {
    throw new PageError(`cannot fetch ${url}: ${err.cause?.message ?? err.message}`);
  }
  if (!response.ok) throw new PageError(`cannot fetch ${url}: HTTP ${response.status}`);
  return response.text();
}

// The wheel file names a PEP 503 page links to (anchor text, else the href's last segment), percent-decoded.
export function wheelNames(html) {
  const names = [];
  for (const [, href, text] of html.matchAll(/<a\s[^>]*?href="([^"]*)"[^>]*>([^<]*)<\/a>/gi)) {
    const raw = text.trim().endsWith('.whl') ? text.trim() : href.split('#')[0].split('/').pop();
    const name = safeDecode(raw);
    if (name.endsWith('.whl')) names.push(name);
  }
  return names;
}

// decodeURIComponent that leaves malformed escapes as they are.
function safeDecode(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
