import { MIRROR_KEYS, rewriteUrl } from '../../recipe/mirror.js';
import { loadMirror } from '../mirror.js';
import { stringArg } from './args.js';
import type { Deriver } from './types.js';

// mirror: with `url`, that URL rewritten through the --mirror profile; with `key`, that value of the mirror named by
// `mirror` (a profile name, or a URL used as it is), or of the --mirror profile when `mirror` is empty ('' when none).
export const deriveMirror: Deriver = (input) => {
  if (typeof input.args.url === 'string') {
    const url = rewriteUrl(input.mirror, input.args.url);
    return url === input.args.url ? { value: url } : { value: url, note: `mirror ${input.mirror.name}: ${url}` };
  }
  const key = stringArg(input, 'key');
  if (!MIRROR_KEYS.includes(key)) throw new Error(`unknown mirror value "${key}"; known: ${MIRROR_KEYS.join(', ')}`);
  const chosen = typeof input.args.mirror === 'string' ? input.args.mirror.trim() : '';
  if (chosen === '') {
    const value = input.mirror.values[key] ?? '';
    return value ? { value, note: `mirror ${input.mirror.name}: ${value}` } : { value: '', note: 'no mirror chosen: give --mirror NAME, or set this recipe\'s mirror param' };
  }
  if (/^https?:\/\//.test(chosen)) return { value: chosen.replace(/\/+$/, '') };
  let profile;
  try {
    profile = loadMirror(chosen);
  } catch (err) {
    throw new Error(`mirror ${(err as Error).message.replace(/^--mirror /, '')}`);
  }
  const value = profile.values[key] ?? '';
  if (!value) throw new Error(`mirror profile ${chosen} has no ${key} value`);
  return { value, note: `mirror ${chosen}: ${value}` };
};
