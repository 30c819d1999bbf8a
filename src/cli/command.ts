import type { Flags, Parsed } from './args.js';

// One rig subcommand: its flags, its help text, and what it does; returns the exit code.
export interface Command {
  summary: string;
  usage: string;
  flags: Flags;
  run(args: Parsed): Promise<number>;
}

// Flags shared by commands that read recipes.
export const RECIPE_FLAGS: Flags = {
  recipes: { type: 'string', multiple: true },
};

// Flags shared by commands that build a plan.
export const PLAN_FLAGS: Flags = {
  ...RECIPE_FLAGS,
  set: { type: 'string', multiple: true },
  mirror: { type: 'string' },
  target: { type: 'string' },
  facts: { type: 'string' },
};

// Help lines for the shared plan flags.
export const PLAN_FLAGS_HELP = `  --set RECIPE.PARAM=VALUE  set a param (repeatable)
  --mirror NAME|FILE|URL    rewrite every index and download through a mirror profile (tuna, aliyun, ustc, …)
  --target TARGET           where to run: local (default)
  --facts FILE              use facts recorded in a JSON file (from rig facts --json) instead of gathering them
  --recipes DIR             also read recipes from DIR; they win over built-ins of the same name (repeatable)`;
