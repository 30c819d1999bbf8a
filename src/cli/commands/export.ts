import { renameSync, writeFileSync } from 'node:fs';
import { UserError } from '../../errors.js';
import { exportSh } from '../../export/sh.js';
import { rigVersion } from '../../version-info.js';
import { one } from '../args.js';
import type { Command } from '../command.js';
import { PLAN_FLAGS, PLAN_FLAGS_HELP } from '../command.js';
import { openSession } from '../session.js';

const FORMATS = ['sh'];

// Write `text` to `file` through a temporary file and a rename, or to stdout.
function output(text: string, file: string | undefined): void {
  if (!file) {
    process.stdout.write(text);
    return;
  }
  writeFileSync(`${file}.tmp`, text, { mode: 0o755 });
  renameSync(`${file}.tmp`, file);
}

// rig export: a plan as a standalone script.
export const command: Command = {
  summary: 'write a standalone bash script of a plan',
  usage: `Usage: rig export sh RECIPE… [flags]

Write a standalone bash script (set -euo pipefail) that runs the plan's steps in order,
each behind the same guard rig apply uses. Commands are rendered for the target's facts
(this machine, or --facts FILE). Secret params are read from RIG_SECRET_* variables.

Flags:
  -o, --output FILE         write to FILE instead of stdout
${PLAN_FLAGS_HELP}`,
  flags: { ...PLAN_FLAGS, output: { type: 'string', short: 'o' } },
  async run(args) {
    const [format, ...names] = args.positionals;
    if (!format || !FORMATS.includes(format)) throw new UserError(`export needs a format: ${FORMATS.join(', ')} (e.g. rig export sh cmake)`);
    const session = await openSession({ ...args, positionals: names }, `export ${format}`);
    try {
      const argv = ['export', format, ...names].join(' ');
      output(exportSh(session.plan, rigVersion(), argv), one(args.values.output));
      return 0;
    } finally {
      await session.target.close();
    }
  },
};
