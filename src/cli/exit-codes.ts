// Exit codes of rig.
export const EXIT = {
  OK: 0,
  FAILED: 1,
  USER: 2,
  LOCKED: 3,
  INTERNAL: 70,
  SIGINT: 130,
  SIGTERM: 143,
} as const;

// The exit codes as --help prints them.
export const EXIT_CODES_HELP = `Exit codes:
  0    success (plan: nothing to do, or --json/--no-probe listing)
  1    a step, check or verify failed
  2    usage or recipe error (bad flag, bad YAML, unknown recipe or param, cycle)
  70   internal error (a bug in rig)
  130  interrupted (SIGINT); 143: terminated (SIGTERM)`;
