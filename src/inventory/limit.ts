import { UserError } from '../errors.js';
import type { InventoryHost } from './types.js';

// A glob of --limit (*, ?, [abc]) as a regex.
function globRegex(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

// The hosts one word of --limit picks: all or *, a host, a group, a glob of either, or ~REGEX (searched in names).
function pick(hosts: InventoryHost[], word: string, limit: string): InventoryHost[] {
  if (word === 'all' || word === '*') return hosts;
  let test: (name: string) => boolean;
  if (word.startsWith('~')) {
    let regex: RegExp;
    try {
      regex = new RegExp(word.slice(1));
    } catch (err) {
      throw new UserError(`--limit ${limit}: ${word}: ${(err as Error).message}`, '--limit');
    }
    test = (name) => regex.test(name);
  } else if (/[*?[]/.test(word)) {
    const regex = globRegex(word);
    test = (name) => regex.test(name);
  } else {
    test = (name) => name === word;
  }
  return hosts.filter((h) => test(h.name) || h.groups.some(test));
}

// The hosts --limit PATTERN picks, in inventory order: words joined by "," (or ":" when there is no ",") are added, "&word" keeps only the
// hosts also in word, "!word" takes word's hosts away (as Ansible's host patterns). A pattern that picks no host at
// all is a UserError, as is a word matching nothing (a misspelt group would otherwise be skipped silently).
export function limitHosts(hosts: InventoryHost[], pattern: string): InventoryHost[] {
  const words = pattern.split(pattern.includes(',') ? ',' : /:(?![^[]*\])/).map((w) => w.trim()).filter(Boolean);
  if (!words.length) throw new UserError(`--limit ${pattern}: expected a host, a group or a pattern`, '--limit');
  let chosen = new Set<InventoryHost>();
  const plain = words.filter((w) => !w.startsWith('&') && !w.startsWith('!'));
  if (!plain.length) chosen = new Set(hosts);
  for (const word of plain) for (const h of pick(hosts, word, pattern)) chosen.add(h);
  for (const word of words.filter((w) => w.startsWith('&'))) {
    const keep = new Set(pick(hosts, word.slice(1), pattern));
    chosen = new Set([...chosen].filter((h) => keep.has(h)));
  }
  for (const word of words.filter((w) => w.startsWith('!'))) for (const h of pick(hosts, word.slice(1), pattern)) chosen.delete(h);
  for (const word of words) {
    const bare = word.replace(/^[&!]/, '');
    if (!pick(hosts, bare, pattern).length) throw new UserError(`--limit ${pattern}: ${bare} matches no host or group of the inventory`, '--limit');
  }
  if (!chosen.size) throw new UserError(`--limit ${pattern}: matches no host of the inventory`, '--limit');
  return hosts.filter((h) => chosen.has(h));
}
