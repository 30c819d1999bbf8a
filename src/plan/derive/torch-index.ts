import { tableRows } from '../data.js';
import { stringArg } from './args.js';
import type { Deriver } from './types.js';

const GETS = ['index', 'local', 'links', 'requirement'];

// torch-index: where a torch variant's wheels come from. Without a pip mirror: the index `base`/variant, with local labels
// ("+cu124"). With one (`mirror`): its PyPI index alone when PyPI's own wheels of that release are that variant (no local
// label); else that index plus the find-links directory `wheels`/variant of a PyTorch wheel mirror, when there is one.
// `get` picks the value: index ('' for the default, i.e. the pip mirror), local (the label), links ('' for none), or
// requirement: `package`==`version` with the label ('' when `version` is empty: that release has no such package).
export const deriveTorchIndex: Deriver = (input) => {
  const torch = stringArg(input, 'torch');
  const variant = stringArg(input, 'variant');
  const base = stringArg(input, 'base').replace(/\/+$/, '');
  const mirror = typeof input.args.mirror === 'string' ? input.args.mirror : '';
  const wheels = typeof input.args.wheels === 'string' ? input.args.wheels.replace(/\/+$/, '') : '';
  const get = stringArg(input, 'get');
  if (!GETS.includes(get)) throw new Error(`get is one of ${GETS.join(', ')}, not "${get}"`);
  const row = tableRows(input.data('pytorch'), 'torch').find((r) => String(r.version) === torch);
  const pypi = String(row?.pypi ?? '');
  const source = !mirror ? 'upstream' : pypi === variant ? 'pypi' : wheels ? 'wheels' : 'upstream';
  const local = source === 'pypi' ? '' : `+${variant}`;
  if (get === 'local') return { value: local };
  if (get === 'requirement') {
    const version = stringArg(input, 'version');
    return { value: version ? `${stringArg(input, 'package')}==${version}${local}` : '' };
  }
  if (get === 'links') return { value: source === 'wheels' ? `${wheels}/${variant}/` : '' };
  if (source === 'pypi') return { value: '', note: `index: the pip mirror (${mirror}); PyPI's torch ${torch} wheels are its ${variant} build` };
  if (source === 'wheels') return { value: '', note: `index: the pip mirror (${mirror}), torch ${torch}+${variant} from ${wheels}/${variant}/` };
  const note = mirror ? `index: ${base}/${variant} (the mirror has no PyTorch wheels; PyPI's are ${pypi || 'unknown'})` : undefined;
  return note ? { value: `${base}/${variant}`, note } : { value: `${base}/${variant}` };
};
