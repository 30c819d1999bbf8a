import { posix } from 'node:path';
import { shq } from '../shell/quote.js';

// Shell that replaces the file at `path` with one made fresh beside it: mktemp creates "$rig_tmp" under a random name,
// exclusively and mode 0600 (never a name someone could have planted a link at), the `fill` commands write it, and a
// rename puts it in place, replacing a link found at `path` rather than writing through it. A failed command removes it.
export function replaceFileScript(path: string, fill: readonly string[]): string {
  const dir = posix.dirname(path);
  return [
    `mkdir -p ${shq(dir)}`,
    `rig_tmp=$(mktemp ${shq(`${dir === '/' ? '' : dir}/.${posix.basename(path)}.rig-XXXXXX`)})`,
    `trap 'rm -f "$rig_tmp"' EXIT`,
    ...fill,
    `mv -fT "$rig_tmp" ${shq(path)}`,
  ].join('\n');
}
