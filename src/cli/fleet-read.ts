import { forEachAtMost } from '../fleet/pool.js';
import type { InventoryHost } from '../inventory/types.js';
import { SshTarget } from '../targets/ssh.js';
import type { Target } from '../targets/target.js';
import type { Parsed } from './args.js';
import { EXIT } from './exit-codes.js';
import { fleetHosts } from './fleet-flags.js';
import { failureLine, hostTargetName } from './fleet-host.js';

// What a read-only command found on one host: its text, its JSON, and whether it found something to exit 1 for.
export interface HostRead {
  text: string;
  json: unknown;
  flagged?: boolean;
}

// Reach `h` over ssh, run `read` on it, and close the connection.
export async function onHostTarget<T>(h: InventoryHost, read: (target: Target) => Promise<T>): Promise<T> {
  const target = await SshTarget.open(h.ssh, h.name, h.becomePassword);
  try {
    return await read(target);
  } finally {
    await target.close();
  }
}

// A read-only command on every host of -i INVENTORY, --forks at a time: each host's text under "== HOST (ssh:DEST)" in
// the inventory's order (--json: one object by host name, null for a host it could not read), then a line per host
// it could not read. Exit 1 when any host could not be read or was flagged.
export async function readFleet(args: Parsed, read: (h: InventoryHost) => Promise<HostRead>): Promise<number> {
  const { hosts, forks } = await fleetHosts(args);
  const found = new Map<string, HostRead | string>();
  await forEachAtMost(hosts, forks, async (h) => {
    try {
      found.set(h.name, await read(h));
    } catch (err) {
      found.set(h.name, failureLine(err, hostTargetName(h)));
    }
  }, () => false, () => undefined);
  const readOf = (h: InventoryHost) => found.get(h.name) as HostRead | string;
  if (args.values.json) {
    const json = Object.fromEntries(hosts.map((h) => { const r = readOf(h); return [h.name, typeof r === 'string' ? null : r.json]; }));
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    for (const h of hosts) {
      const r = readOf(h);
      if (typeof r !== 'string') process.stdout.write(`== ${h.name} (${hostTargetName(h)})\n${r.text.replace(/\n*$/, '\n')}\n`);
    }
  }
  const failed = hosts.filter((h) => typeof readOf(h) === 'string');
  for (const h of failed) process.stderr.write(`rig: ${h.name}: ${String(readOf(h))}\n`);
  return failed.length || hosts.some((h) => (readOf(h) as HostRead).flagged) ? EXIT.FAILED : EXIT.OK;
}
