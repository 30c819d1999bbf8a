import { one, type Flags, type Parsed } from './args.js';
import type { TargetOptions } from '../targets/select.js';

// One rig subcommand: its flags, its help text, and what it does; returns the exit code.
export interface Command {
  usage: string;
  flags: Flags;
  run(args: Parsed): Promise<number>;
}

// Flags shared by commands that read recipes.
export const RECIPE_FLAGS: Flags = {
  recipes: { type: 'string', multiple: true },
};

// Flags that choose the target: this machine or a container.
export const TARGET_FLAGS: Flags = {
  target: { type: 'string' },
  engine: { type: 'string' },
  keep: { type: 'boolean' },
};

// Help lines for the target flags.
export const TARGET_FLAGS_HELP = `  --target TARGET           where to run: local (default); docker:IMAGE or podman:IMAGE (a new container,
                            removed afterwards); container:NAME (a running container, left as it is);
                            ssh:[USER@]HOST[:PORT] (over the system's ssh, one connection; RIG_SSH sets the command)
  --engine docker|podman    engine for container:NAME and export dockerfile (default: a reachable Docker daemon, else podman)
  --keep                    leave the new container running and print its name`;

// The target options the target flags (and apply's --commit) ask for; notes go to stderr.
export function targetOptions(args: Parsed): TargetOptions {
  const engine = one(args.values.engine);
  const commit = one(args.values.commit);
  return {
    ...(engine !== undefined ? { engine } : {}),
    ...(commit !== undefined ? { commit } : {}),
    keep: args.values.keep === true,
    note: (line) => process.stderr.write(`rig: ${line}\n`),
  };
}

// Flags shared by commands that build a plan.
export const PLAN_FLAGS: Flags = {
  ...RECIPE_FLAGS,
  set: { type: 'string', multiple: true },
  mirror: { type: 'string' },
  ...TARGET_FLAGS,
  facts: { type: 'string' },
};

// Help lines for the shared plan flags.
export const PLAN_FLAGS_HELP = `  --set RECIPE.PARAM=VALUE  set a param (repeatable)
  --mirror NAME|FILE|URL    rewrite every index and download through a mirror profile (tuna, aliyun, ustc, …)
${TARGET_FLAGS_HELP}
  --facts FILE              use facts recorded in a JSON file (from rig facts --json) instead of gathering them
  --recipes DIR             also read recipes from DIR; they win over built-ins of the same name (repeatable)`;
