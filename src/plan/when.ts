import type { Facts } from '../facts/types.js';
import type { WhenInput } from '../recipe/schema.js';
import { parseWants } from '../version/wants.js';
import type { ParamValue } from './params.js';

const list = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);
const words = (values: unknown[]) => values.map(String).join(' or ');

// Why `when` does not hold on these facts and params, or undefined when it holds.
// `written` is the matcher as the recipe wrote it, and `emptyText` words for one of its nonempty templates that is empty.
export function whenFails(when: WhenInput | undefined, facts: Facts, params: Record<string, ParamValue>, written?: WhenInput, emptyText?: (template: string) => string): string | undefined {
  if (!when) return undefined;
  if (when.os !== undefined) {
    if (!list(when.os).includes(facts.os.id)) return `needs os ${words(list(when.os))} (this is ${facts.os.id || 'unknown'})`;
  }
  if (when.version !== undefined && !parseWants(when.version).test(facts.os.version)) {
    return `needs os version ${when.version} (this is ${facts.os.id} ${facts.os.version || 'unknown'})`;
  }
  if (when.codename !== undefined && !list(when.codename).includes(facts.os.codename)) {
    return `needs ${words(list(when.codename))} (this is ${facts.os.codename || 'unknown'})`;
  }
  if (when.arch !== undefined && !list(when.arch).some((a) => a === facts.arch || a === facts.debArch)) {
    return `needs arch ${words(list(when.arch))} (this is ${facts.arch})`;
  }
  if (when.gpu !== undefined && when.gpu !== facts.gpu.count > 0) {
    return when.gpu ? 'needs an NVIDIA GPU (none found)' : `only where there is no GPU (found ${facts.gpu.names})`;
  }
  if (when.driver !== undefined && !(facts.gpu.driver && parseWants(when.driver).test(facts.gpu.driver))) {
    return `needs NVIDIA driver ${when.driver} (${facts.gpu.driver ? `this machine has ${facts.gpu.driver}` : 'none found'})`;
  }
  if (when.cuda !== undefined && !(facts.cuda && parseWants(when.cuda).test(facts.cuda))) {
    return `needs CUDA toolkit ${when.cuda} (${facts.cuda ? `this machine has ${facts.cuda}` : 'none found'})`;
  }
  if (when.python !== undefined && !(facts.python3 && parseWants(when.python).test(facts.python3))) {
    return `needs python3 ${when.python} (${facts.python3 ? `this machine has ${facts.python3}` : 'none found'})`;
  }
  if (when.container !== undefined && when.container !== facts.container) {
    return when.container ? 'only inside a container' : 'not inside a container';
  }
  if (when.root !== undefined && when.root !== facts.root) return when.root ? 'needs root' : 'only when not root';
  if (when.nonempty !== undefined) {
    const empty = list(when.nonempty).findIndex((v) => v === '');
    if (empty >= 0) {
      const template = written?.nonempty === undefined ? undefined : list(written.nonempty)[empty];
      return template !== undefined && emptyText ? emptyText(template) : 'a value it needs is empty';
    }
  }
  for (const [name, wanted] of Object.entries(when.params ?? {})) {
    const value = String(params[name]);
    if (!list(wanted).map(String).includes(value)) return `only when ${name} is ${words(list(wanted))} (it is ${value})`;
  }
  return undefined;
}
