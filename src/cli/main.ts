import { ExitError, TargetError, UserError, UserErrors } from '../errors.js';
import { didYouMean } from '../text/suggest.js';
import { parseFlags } from './args.js';
import type { Command } from './command.js';
import { rigVersion } from '../version-info.js';
import { EXIT_CODES_HELP, EXIT } from './exit-codes.js';

const COMMANDS: Record<string, () => Promise<{ command: Command }>> = {
  list: () => import('./commands/list.js'),
  show: () => import('./commands/show.js'),
  facts: () => import('./commands/facts.js'),
  plan: () => import('./commands/plan.js'),
  apply: () => import('./commands/apply.js'),
  export: () => import('./commands/export.js'),
  validate: () => import('./commands/validate.js'),
  schema: () => import('./commands/schema.js'),
  doctor: () => import('./commands/doctor.js'),
  status: () => import('./commands/status.js'),
  lock: () => import('./commands/lock.js'),
};

// One line per command for `rig --help` (kept here so that help loads no command module).
const SUMMARIES: Record<string, string> = {
  list: 'list the recipes',
  show: 'show one recipe: params, requires, check, steps',
  facts: 'print what the target machine is',
  plan: 'dry run: what would run, in order, and why',
  apply: 'install what is missing or at the wrong version',
  export: 'write a plan as a bash script (sh) or a Dockerfile',
  validate: 'check recipe files',
  schema: 'print the JSON Schema of recipe files (--lock: of lock files)',
  doctor: 'every recipe\'s status on this machine (installed version vs wanted)',
  status: 'show the last run on the target',
  lock: 'record what the recipes resolved to on the target (versions, digests, commits)',
};

function help(): string {
  const width = Math.max(...Object.keys(SUMMARIES).map((k) => k.length));
  return `rig: set up machines for ML work from declarative YAML recipes

Usage: rig COMMAND [ARGS…] [FLAGS…]

Commands:
${Object.entries(SUMMARIES).map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n')}

Run rig COMMAND --help for its flags.
  -V, --version  print the version
  -h, --help     print this help

${EXIT_CODES_HELP}`;
}

function report(err: unknown): number {
  if (err instanceof ExitError) return err.code;
  if (err instanceof UserErrors) {
    for (const e of err.errors.slice(0, 20)) process.stderr.write(`rig: ${e.line}\n`);
    if (err.errors.length > 20) process.stderr.write(`rig: … and ${err.errors.length - 20} more\n`);
    return EXIT.USER;
  }
  if (err instanceof UserError) {
    process.stderr.write(`rig: ${err.line}\n`);
    return EXIT.USER;
  }
  if (err instanceof TargetError) {
    const tail = err.output.split('\n').map((l) => l.trimEnd()).filter(Boolean).slice(-20);
    process.stderr.write(`rig: ${err.message}\n${tail.map((l) => `  ${l}\n`).join('')}`);
    return EXIT.FAILED;
  }
  process.stderr.write(`rig: internal error (a bug in rig; please report it):\n${(err as Error)?.stack ?? String(err)}\n`);
  return EXIT.INTERNAL;
}

async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V') {
    process.stdout.write(`${rigVersion()}\n`);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${help()}\n`);
    return name === undefined ? EXIT.USER : 0;
  }
  const load = COMMANDS[name];
  if (!load) throw new UserError(`unknown command "${name}"${didYouMean(name, Object.keys(COMMANDS))}; see rig --help`);
  const { command } = await load();
  const args = parseFlags(rest, command.flags);
  if (args.values.help) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  return command.run(args);
}

// Run the CLI and exit with its code; the only place that calls process.exit.
export async function main(argv: string[]): Promise<void> {
  let code: number;
  try {
    code = await run(argv);
  } catch (err) {
    code = report(err);
  }
  process.exitCode = code;
}
