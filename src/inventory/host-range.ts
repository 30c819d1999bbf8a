import { UserError } from '../errors.js';

// The most hosts one pattern may name.
const MAX_HOSTS = 10_000;

const RANGE = /\[([0-9]+|[a-z]):([0-9]+|[a-z])(?::([0-9]+))?\]/;

// One range [start:end] or [start:end:step] as its items: numbers keep the start's zero padding (01..10), letters a..f.
function rangeItems(start: string, end: string, stepText: string | undefined, where: string, pattern: string): string[] {
  const step = stepText === undefined ? 1 : Number(stepText);
  const letters = /[a-z]/.test(start);
  if (letters !== /[a-z]/.test(end)) throw new UserError(`${pattern}: a range is of numbers or of letters, not both`, where);
  const [from, to] = letters ? [start.charCodeAt(0), end.charCodeAt(0)] : [Number(start), Number(end)];
  if (step < 1 || from > to) throw new UserError(`${pattern}: a range goes up from its start to its end, in steps of 1 or more`, where);
  if ((to - from) / step + 1 > MAX_HOSTS) throw new UserError(`${pattern}: names more than ${MAX_HOSTS} hosts`, where);
  const width = !letters && start.length > 1 && start.startsWith('0') ? start.length : 0;
  const items: string[] = [];
  for (let n = from; n <= to; n += step) items.push(letters ? String.fromCharCode(n) : String(n).padStart(width, '0'));
  return items;
}

// The host names a pattern such as web[01:10].lab or node-[a:c][1:2] stands for, in order.
export function expandHostRange(pattern: string, where: string): string[] {
  const m = RANGE.exec(pattern);
  if (!m) return [pattern];
  const head = pattern.slice(0, m.index);
  const tails = expandHostRange(pattern.slice(m.index + m[0].length), where);
  const names = rangeItems(m[1]!, m[2]!, m[3], where, pattern).flatMap((item) => tails.map((tail) => `${head}${item}${tail}`));
  if (names.length > MAX_HOSTS) throw new UserError(`${pattern}: names more than ${MAX_HOSTS} hosts`, where);
  return names;
}

// A host name of an inventory: a name with no spaces, or an IPv6 address.
export const HOST_NAME = /^(?:[A-Za-z0-9][A-Za-z0-9._-]*|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$/;

// The hosts a host pattern of an inventory names ("web[01:10]", "db:2222", "[::1]:22"), with the port it gives.
export function parseHostPattern(pattern: string, where: string): { names: string[]; port?: string } {
  const v6 = /^\[([0-9A-Fa-f:.]+)\](?::(\d+))?$/.exec(pattern) ?? (/^[0-9A-Fa-f.]*:[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*$/.test(pattern) ? [pattern, pattern] : null);
  if (v6 && v6[1]!.split(':').length > 2) return { names: [v6[1]!], ...(v6[2] ? { port: v6[2] } : {}) };
  const m = /^((?:[^:[\]]|\[[^\]]*\])+)(?::(\d+))?$/.exec(pattern);
  const names = m ? expandHostRange(m[1]!, where) : [];
  const bad = m ? names.find((n) => !HOST_NAME.test(n)) : pattern;
  if (bad !== undefined) throw new UserError(`host "${bad}": expected a host name or address (letters, digits, "." "_" "-"), a range such as web[01:10], and :PORT`, where);
  return { names, ...(m![2] ? { port: m![2] } : {}) };
}
