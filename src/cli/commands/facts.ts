import { gatherFacts } from '../../facts/gather.js';
import { one } from '../args.js';
import { TARGET_FLAGS, TARGET_FLAGS_HELP, targetOptions, type Command } from '../command.js';
import { openTarget } from '../../targets/select.js';
import type { Facts } from '../../facts/types.js';
import { FLEET_FLAGS, FLEET_FLAGS_HELP, refuseFleetFlagsAlone } from '../fleet-flags.js';

const { 'fail-fast': _, ...FACTS_FLEET_FLAGS } = FLEET_FLAGS;

function flatten(value: unknown, prefix = ''): [string, string][] {
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
  return [[prefix, String(value)]];
}

// rig facts: what the target machine is.
export const command: Command = {
  usage: `Usage: rig facts [--json] [--target TARGET | -i INVENTORY]

Print the facts recipes are planned with (os, arch, cpus, memory, root/sudo, container,
GPUs and driver, CUDA toolkit, python3), gathered on the target by one read-only script.
rig facts --json > box.json records them for rig plan --facts box.json.

Flags:
  --json                    print the facts as JSON
${TARGET_FLAGS_HELP}
${FLEET_FLAGS_HELP.split('\n').filter((l) => !l.includes('--fail-fast')).join('\n')}`,
  flags: { json: { type: 'boolean' }, ...TARGET_FLAGS, ...FACTS_FLEET_FLAGS },
  async run(args) {
    if (args.values.inventory !== undefined) {
      const { factsFleet } = await import('../fleet-facts.js');
      return factsFleet(args, (facts: Facts) => flatten(facts).map(([k, v]) => `${k}: ${v}`));
    }
    refuseFleetFlagsAlone(args);
    const target = await openTarget(one(args.values.target), targetOptions(args));
    try {
      const facts = await gatherFacts(target);
      if (args.values.json) process.stdout.write(`${JSON.stringify(facts, null, 2)}\n`);
      else for (const [k, v] of flatten(facts)) process.stdout.write(`${k}: ${v}\n`);
      return 0;
    } finally {
      await target.close();
    }
  },
};
