import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { UserError } from '../errors.js';
import { rewriteUrl } from '../plan/mirror.js';
import type { StepSpec } from '../recipe/schema.js';
import { shq } from '../shell/quote.js';
import { pathNeedsRoot, targetPath } from './paths.js';
import type { Fetch, KindRender, RenderContext } from './types.js';

// Shell that refuses an archive with absolute paths, ".." parts, or links that point outside it.
const SAFE_ARCHIVE = [
  `if tar -tf "$RIG_FILE" | grep -qE '^/|(^|/)\\.\\.(/|$)'; then echo "rig: archive has paths outside its folder; refusing it" >&2; rm -f "$RIG_FILE"; exit 1; fi`,
  `if tar -tvf "$RIG_FILE" | awk '$1 ~ /^[lh]/ && ($NF ~ /^\\// || $NF ~ /(^|\\/)\\.\\.(\\/|$)/) {bad=1} END {exit !bad}'; then echo "rig: archive has links outside its folder; refusing it" >&2; rm -f "$RIG_FILE"; exit 1; fi`,
].join('\n');

// Shell that checks $RIG_FILE against $RIG_SHA256 (when set) and deletes it on a mismatch.
const VERIFY = `if [ -n "\${RIG_SHA256:-}" ] && ! echo "$RIG_SHA256  $RIG_FILE" | sha256sum -c --quiet - >/dev/null 2>&1; then echo "rig: sha256 mismatch: got $(sha256sum "$RIG_FILE" | cut -c1-64), wanted $RIG_SHA256" >&2; rm -f "$RIG_FILE"; exit 1; fi`;

// The digest as a shell word: literal when the recipe gives it, $RIG_SHA256 when read from a checksum file, the URL when unverified.
function expectedDigest(fetch: Fetch): string {
  if (fetch.sha256) return fetch.sha256;
  return fetch.sha256From ? '"$RIG_SHA256"' : shq(fetch.url);
}

function fileName(url: string): string {
  return posix.basename(new URL(url).pathname) || 'download';
}

// download: the runner fetches the file (verified by sha256), then this script moves it into place or unpacks it.
export function renderDownload(spec: StepSpec<'download'>, ctx: RenderContext): KindRender {
  const url = rewriteUrl(ctx.mirror, ctx.data(spec.download));
  const fetch: Fetch = { url, tempPath: '' };
  if (typeof spec.sha256 === 'string') {
    const digest = ctx.data(spec.sha256).toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(digest)) throw new UserError(`sha256 "${digest}" is not 64 hex digits`);
    fetch.sha256 = digest;
  }
  else if (spec.sha256) fetch.sha256From = rewriteUrl(ctx.mirror, ctx.data(spec.sha256.from));
  const name = fileName(url);
  if (spec.to !== undefined) {
    const dest = targetPath(ctx.data(spec.to), ctx.facts);
    fetch.tempPath = `${ctx.facts.stateDir}/downloads/${name}.rig-partial`;
    const tmp = shq(`${dest}.rig-tmp`);
    const script = [
      VERIFY,
      `mkdir -p ${shq(posix.dirname(dest))}`,
      `mv -f "$RIG_FILE" ${tmp}`,
      `chmod ${spec.mode ?? '0644'} ${tmp}`,
      `mv -f ${tmp} ${shq(dest)}`,
    ].join('\n');
    const guard = fetch.sha256 || fetch.sha256From
      ? `[ -f ${shq(dest)} ] && echo ${expectedDigest(fetch)}"  "${shq(dest)} | sha256sum -c --quiet - >/dev/null 2>&1`
      : `[ -f ${shq(dest)} ]`;
    return { title: `download ${name} → ${dest}`, guard, script, fetch, root: pathNeedsRoot(dest, ctx.facts) };
  }
  const dir = targetPath(ctx.data(spec.extract!), ctx.facts);
  const marker = `${ctx.facts.stateDir}/extracted/${createHash('sha256').update(`${url}\n${dir}`).digest('hex').slice(0, 24)}`;
  fetch.tempPath = `${ctx.facts.stateDir}/downloads/${name}.rig-partial`;
  const strip = spec.strip ? ` --strip-components=${spec.strip}` : '';
  const script = [
    VERIFY,
    SAFE_ARCHIVE,
    `mkdir -p ${shq(dir)} ${shq(posix.dirname(marker))}`,
    `tar -xf "$RIG_FILE" -C ${shq(dir)}${strip} --no-same-owner`,
    `rm -f "$RIG_FILE"`,
    `printf '%s\\n' ${expectedDigest(fetch)} > ${shq(marker)}`,
  ].join('\n');
  const guard = `[ -f ${shq(marker)} ] && [ "$(cat ${shq(marker)})" = ${expectedDigest(fetch)} ]`;
  return { title: `download ${name} → unpack in ${dir}`, guard, script, fetch, root: pathNeedsRoot(dir, ctx.facts) };
}

// The shell equivalent of the runner's fetch, for exported scripts and the dry run.
export function fetchScript(fetch: Fetch): string {
  const lines = [`RIG_FILE=${shq(fetch.tempPath)}`, 'mkdir -p "$(dirname "$RIG_FILE")"'];
  if (fetch.sha256) lines.push(`RIG_SHA256=${fetch.sha256}`);
  else if (fetch.sha256From) {
    const name = fileName(fetch.url);
    lines.push(`RIG_SHA256=$(curl -fsSL --retry 3 ${shq(fetch.sha256From)} | awk -v f=${shq(name)} '$2 == f || $2 == "*" f || NF == 1 {print $1; exit}')`);
  } else lines.push('RIG_SHA256=');
  lines.push(`curl -fL --retry 3 -o "$RIG_FILE" ${shq(fetch.url)}`);
  return lines.join('\n');
}
