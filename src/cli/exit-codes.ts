// Exit codes of rig.
export const EXIT = {
  OK: 0,
  FAILED: 1,
  USER: 2,
  LOCKED: 3,
  BLOCKED: 4,
  INTERNAL: 70,
} as const;

// The exit codes as --help prints them.
export const EXIT_CODES_HELP = `Exit codes:
  0    success
  1    a step, check or verify failed, or the target could not report its facts
  2    usage or recipe error (bad flag, bad YAML, unknown recipe or param, cycle)
  3    another rig apply holds the target's lock (--no-wait)
  4    rig plan: a recipe of the plan cannot be installed here (blocked; the plan says why)
  70   internal error (a bug in rig)
  130  interrupted (SIGINT); 143: SIGTERM; 129: SIGHUP`;
