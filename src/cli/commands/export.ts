import { writeWhole } from '../../write-whole.js';
import { UserError } from '../../errors.js';
import { exportDockerfile } from '../../export/dockerfile.js';
import { exportSh } from '../../export/sh.js';
import { ANSIBLE_MARK, exportAnsible } from '../../export/ansible.js';
import { factsThePlanUses } from '../../export/ansible-facts.js';
import { writeTreeWhole } from '../../export/write-tree.js';
import { resolve } from 'node:path';
import { rigVersion } from '../../version-info.js';
import { one, type Parsed } from '../args.js';
import type { Command } from '../command.js';
import { PLAN_FLAGS, PLAN_FLAGS_HELP } from '../command.js';
import { LOCKED_FLAG, LOCKED_FLAG_HELP } from '../locked.js';
import { openSession } from '../session.js';

const FORMATS = ['sh', 'dockerfile', 'ansible'];

// Write `text` to `file` through a temporary file and a rename, or to stdout.
function output(text: string, file: string | undefined, mode: number): void {
  if (!file) {
    process.stdout.write(text);
    return;
  }
  try {
    writeWhole(file, text, mode);
  } catch (err) {
    throw new UserError(`--output ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, '--output');
  }
}

// The flags a Dockerfile's plan is made with: facts from --facts FILE, else gathered in a throwaway container of --from.
async function dockerfileArgs(args: Parsed, from: string | undefined): Promise<Parsed> {
  if (!from) throw new UserError('export dockerfile needs --from IMAGE, the image the Dockerfile builds on', '--from');
  const { isImageRef } = await import('../../targets/select.js');
  if (!isImageRef(from)) throw new UserError(`--from ${from}: not an image name (e.g. debian:bookworm)`, '--from');
  if (args.values.target !== undefined) throw new UserError('export dockerfile renders for --from IMAGE; it takes no --target', '--target');
  if (args.values.facts !== undefined) return { ...args, values: { ...args.values, engine: undefined, keep: undefined } };
  const { pickEngine } = await import('../../targets/engine.js');
  let engine: string;
  try {
    engine = await pickEngine(one(args.values.engine), '--from');
  } catch (err) {
    if (!(err instanceof UserError) || args.values.engine !== undefined) throw err;
    throw new UserError(`export dockerfile needs the facts of ${from}: give --facts FILE (from rig facts --json --target podman:${from}), or install podman or Docker so rig can gather them in a throwaway container`, '--facts');
  }
  return { ...args, values: { ...args.values, target: `${engine}:${from}`, engine: undefined } };
}

// rig export: a plan as a standalone bash script or a Dockerfile.
export const command: Command = {
  usage: `Usage: rig export sh RECIPE… [flags]
       rig export dockerfile RECIPE… --from IMAGE [flags]
       rig export ansible RECIPE… -o DIR [flags]

sh: a standalone bash script (set -euo pipefail) that runs the plan's steps in order,
each behind the same guard rig apply uses. Commands are rendered for the target's facts
(this machine, or --facts FILE). Secret params are read from RIG_SECRET_* variables.

dockerfile: a Dockerfile FROM IMAGE with one RUN layer per recipe, dependencies first,
so changing a recipe rebuilds only its layer and the ones after it. Each step keeps the
guard rig apply uses, apt lists are removed in the layer that fetched them, and env steps
also become ENV. Commands are rendered for the facts of IMAGE: --facts FILE, else
gathered in a throwaway container of IMAGE (--engine, else a reachable Docker daemon,
else podman). Download steps need curl in the image (a recipe that requires curl).

ansible: a playbook in DIR (site.yml, one role per recipe) for ansible-playbook -i INVENTORY
DIR/site.yml: each recipe's check first (a satisfied one runs nothing), each step a task
behind the guard rig apply uses (changed only when it ran), with rig's timeout and retries,
then the check again and its verify commands. Rendered for the target's facts like sh; its
first role gathers each host's facts with rig's own script and stops a host that differs in
a fact the plan depends on. Tasks are scripts: the hosts need bash, not Python.

Flags:
  -o, --output FILE         write to FILE instead of stdout (ansible: the folder, required)
  --from IMAGE              dockerfile: the base image
${LOCKED_FLAG_HELP}
${PLAN_FLAGS_HELP}`,
  flags: { ...PLAN_FLAGS, ...LOCKED_FLAG, output: { type: 'string', short: 'o' }, from: { type: 'string' } },
  async run(args) {
    const [format, ...names] = args.positionals;
    if (!format || !FORMATS.includes(format)) throw new UserError(`export needs a format: ${FORMATS.join(', ')} (e.g. rig export sh cmake)`);
    const from = one(args.values.from);
    if (format !== 'dockerfile' && from !== undefined) throw new UserError(`--from applies to export dockerfile, not ${format}`, '--from');
    if (format === 'ansible' && one(args.values.output) === undefined) throw new UserError('export ansible writes a folder: give -o DIR', '--output');
    const planArgs = format === 'dockerfile' ? await dockerfileArgs(args, from) : args;
    const session = await openSession({ ...planArgs, positionals: names }, `export ${format}`, false);
    try {
      if (format === 'ansible') {
        const argv = ['export', format, ...names].join(' ');
        const used = factsThePlanUses(session.plan, session.makePlan);
        writeTreeWhole(resolve(one(args.values.output)!), exportAnsible(session.plan, used, rigVersion(), argv), 'site.yml', ANSIBLE_MARK);
      } else if (format === 'dockerfile') {
        const argv = ['export', format, ...names, '--from', from!].join(' ');
        output(exportDockerfile(session.plan, from!, rigVersion(), argv), one(args.values.output), 0o644);
      } else {
        const argv = ['export', format, ...names].join(' ');
        output(exportSh(session.plan, rigVersion(), argv), one(args.values.output), 0o755);
      }
      return 0;
    } finally {
      await session.target.close();
    }
  },
};
