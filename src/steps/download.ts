import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { UserError } from '../errors.js';
import { rewriteUrl } from '../recipe/mirror.js';
import { DIGEST_ALGOS, type DigestAlgo, type StepSpec } from '../recipe/schema.js';
import { shq } from '../shell/quote.js';
import { checkArchiveScript, unpackScript } from './archive.js';
import { pathNeedsRoot, targetPath } from './paths.js';
import { replaceFileScript } from './replace-file.js';
import type { Fetch, KindRender, Pin, RenderContext } from './types.js';

// Hex digits of each digest.
export const DIGEST_DIGITS: Record<DigestAlgo, number> = { sha256: 64, sha512: 128, md5: 32 };

// Shell that checks $RIG_FILE against $RIG_DIGEST (when set) and deletes it on a mismatch.
function verifyScript(algo: DigestAlgo): string {
  const sum = `${algo}sum`;
  return `if [ -n "\${RIG_DIGEST:-}" ] && ! echo "$RIG_DIGEST  $RIG_FILE" | ${sum} -c --quiet - >/dev/null 2>&1; then echo "rig: ${algo} mismatch: got $(${sum} "$RIG_FILE" | cut -d' ' -f1), wanted $RIG_DIGEST" >&2; rm -f "$RIG_FILE"; exit 1; fi`;
}

// The digest as a shell word: literal when the recipe gives it, $RIG_DIGEST when read from a checksum file, the URL when unverified.
function expectedDigest(fetch: Fetch): string {
  if (fetch.digest) return fetch.digest;
  return fetch.digestFrom ? '"$RIG_DIGEST"' : shq(fetch.url);
}

// The digest a download step asks for: its algorithm, and the value or the checksum file it is read from.
function digestOf(spec: StepSpec<'download'>, ctx: RenderContext): Pick<Fetch, 'algo' | 'digest' | 'digestFrom'> {
  const algo = DIGEST_ALGOS.find((a) => spec[a] !== undefined);
  if (!algo) return { algo: 'sha256' };
  const given = spec[algo]!;
  if (typeof given !== 'string') return { algo, digestFrom: checkedUrl(rewriteUrl(ctx.mirror, ctx.data(given.from)), `${algo}.from`) };
  const digest = ctx.data(given).toLowerCase();
  if (!new RegExp(`^[0-9a-f]{${DIGEST_DIGITS[algo]}}$`).test(digest)) throw new UserError(`${algo} "${digest}" is not ${DIGEST_DIGITS[algo]} hex digits`);
  return { algo, digest };
}

// The URL, refused unless it is one (so it never begins with "-", which curl would read as an option).
function checkedUrl(url: string, what: string): string {
  if (!URL.canParse(url)) throw new UserError(`${what}: "${url}" is not a URL`);
  return url;
}

function fileName(url: string): string {
  return posix.basename(new URL(url).pathname) || 'download';
}

// download: the runner fetches the file into rig's own folder on the target (never a name in a shared one such as
// /var/tmp, where anyone could plant a link), then this script verifies it and copies it into place or unpacks it.
export function renderDownload(spec: StepSpec<'download'>, ctx: RenderContext): KindRender {
  const given = ctx.data(spec.download);
  const url = checkedUrl(rewriteUrl(ctx.mirror, given), 'download');
  const name = fileName(url);
  const asked = digestOf(spec, ctx);
  const pin: Pin = { kind: 'download', url: given, ...asked };
  // Under a lock the file must have the digest it records (rig refuses a lock that disagrees with the recipe's own).
  const fetch: Fetch = { url, ...(ctx.locked?.download(given) ?? asked), tempPath: `${ctx.facts.stateDir}/partial/${name}` };
  const verify = verifyScript(fetch.algo);
  if (spec.to !== undefined) {
    const dest = targetPath(ctx.data(spec.to), ctx.facts);
    const script = [verify, replaceFileScript(dest, ['cp "$RIG_FILE" "$rig_tmp"', 'rm -f "$RIG_FILE"', `chmod ${spec.mode ?? '0644'} "$rig_tmp"`])].join('\n');
    const guard = fetch.digest || fetch.digestFrom
      ? `[ -f ${shq(dest)} ] && echo ${expectedDigest(fetch)}"  "${shq(dest)} | ${fetch.algo}sum -c --quiet - >/dev/null 2>&1`
      : `[ -f ${shq(dest)} ]`;
    return { title: `download ${name} → ${dest}`, guard, script, fetch, root: pathNeedsRoot(dest, ctx.facts), pin };
  }
  const dir = targetPath(ctx.data(spec.extract!), ctx.facts);
  const marker = `${ctx.facts.stateDir}/extracted/${createHash('sha256').update(`${url}\n${dir}`).digest('hex').slice(0, 24)}`;
  const script = [
    verify,
    checkArchiveScript(spec.strip ?? 0),
    unpackScript(dir, spec.strip ?? 0),
    `rm -f "$RIG_FILE"`,
    `mkdir -p ${shq(posix.dirname(marker))}`,
    `printf '%s\\n' ${expectedDigest(fetch)} > ${shq(marker)}`,
  ].join('\n');
  const guard = `[ -f ${shq(marker)} ] && [ "$(cat ${shq(marker)})" = ${expectedDigest(fetch)} ]`;
  return { title: `download ${name} → unpack in ${dir}`, guard, script, fetch, root: pathNeedsRoot(dir, ctx.facts), pin };
}

// The shell equivalent of the runner's fetch, in two parts: `digest` sets RIG_FILE and RIG_DIGEST (read from the
// checksum file as the runner reads it: the line naming the file, or its only line, read to the end; none is an
// error, never an unverified install), `download` fetches the file. A guard that compares digests goes between them.
export function fetchParts(fetch: Fetch): { digest: string; download: string } {
  const lines = [`RIG_FILE=${shq(fetch.tempPath)}`];
  if (fetch.digest) lines.push(`RIG_DIGEST=${fetch.digest}`);
  else if (fetch.digestFrom) {
    const name = fileName(fetch.url);
    const pick = 'function hex(s) { return length(s) == d && s ~ /^[0-9a-fA-F]+$/ } hex($1) { rows++; one = $1; n = $2; sub(/^\\*/, "", n); sub(/.*\\//, "", n); if (n == f && !found) { print tolower($1); found = 1 } } END { if (!found && rows == 1) print tolower(one) }';
    lines.push(`RIG_DIGEST=$(curl -fsSL --retry 3 ${shq(fetch.digestFrom)} | awk -v f=${shq(name)} -v d=${DIGEST_DIGITS[fetch.algo]} ${shq(pick)})`);
    lines.push(`[ -n "$RIG_DIGEST" ] || { echo ${shq(`rig: no ${fetch.algo} listed for ${name} in ${fetch.digestFrom}`)} >&2; exit 1; }`);
  } else lines.push('RIG_DIGEST=');
  return { digest: lines.join('\n'), download: `mkdir -p ${shq(posix.dirname(fetch.tempPath))}\ncurl -fL --retry 3 -o "$RIG_FILE" ${shq(fetch.url)}` };
}

// The whole fetch as one script, for the dry run and failure reports.
export function fetchScript(fetch: Fetch): string {
  const { digest, download } = fetchParts(fetch);
  return `${digest}\n${download}`;
}
