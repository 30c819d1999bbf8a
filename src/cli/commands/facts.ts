import { gatherFacts } from '../../facts/gather.js';
import { openArgsTarget } from '../args-target.js';
import { TARGET_FLAGS, TARGET_FLAGS_HELP, type Command } from '../command.js';
import { READ_FLEET_FLAGS, READ_FLEET_FLAGS_HELP, refuseFleetFlagsAlone } from '../fleet-flags.js';

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
${READ_FLEET_FLAGS_HELP}`,
  flags: { json: { type: 'boolean' }, ...TARGET_FLAGS, ...READ_FLEET_FLAGS },
  async run(args) {
    if (args.values.inventory !== undefined) {
      const { onHostTarget, readFleet } = await import('../fleet-read.js');
      return readFleet(args, (h) => onHostTarget(h, async (target) => {
        const facts = await gatherFacts(target);
        return { text: flatten(facts).map(([k, v]) => `${k}: ${v}`).join('\n'), json: facts };
      }));
    }
    refuseFleetFlagsAlone(args);
    const target = await openArgsTarget(args);
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
