import { gatherFacts } from '../facts/gather.js';
import type { Facts } from '../facts/types.js';
import { forEachAtMost } from '../fleet/pool.js';
import { SshTarget } from '../targets/ssh.js';
import type { Parsed } from './args.js';
import { EXIT } from './exit-codes.js';
import { fleetHosts } from './fleet-flags.js';
import { failureLine, hostTargetName } from './fleet-host.js';

// rig facts -i INVENTORY: each host's facts (--json: an object by host name, null for a host not reached), then a
// line per host that could not be read. Exit 1 when any could not.
export async function factsFleet(args: Parsed, lines: (facts: Facts) => string[]): Promise<number> {
  const { hosts, forks } = fleetHosts(args);
  const found = new Map<string, Facts | string>();
  await forEachAtMost(hosts, forks, async (h) => {
    try {
      const target = await SshTarget.open(h.ssh, h.name);
      try {
        found.set(h.name, await gatherFacts(target));
      } finally {
        await target.close();
      }
    } catch (err) {
      found.set(h.name, failureLine(err, hostTargetName(h)));
    }
  }, () => false, () => undefined);
  const failed = hosts.filter((h) => typeof found.get(h.name) === 'string');
  if (args.values.json) {
    process.stdout.write(`${JSON.stringify(Object.fromEntries(hosts.map((h) => [h.name, typeof found.get(h.name) === 'string' ? null : found.get(h.name)])), null, 2)}\n`);
  } else {
    for (const h of hosts) {
      const facts = found.get(h.name)!;
      if (typeof facts !== 'string') process.stdout.write(`== ${h.name} (${hostTargetName(h)})\n${lines(facts).join('\n')}\n\n`);
    }
  }
  for (const h of failed) process.stderr.write(`rig: ${h.name}: ${String(found.get(h.name))}\n`);
  return failed.length ? EXIT.FAILED : EXIT.OK;
}
