import { formatPath, type KeyPath } from '../yaml/source.js';

// A pipe into grep -q: grep exits at its first match, and under pipefail (rig's scripts run with it) the command
// before it then fails with SIGPIPE (exit 141) whenever it writes more after that, so the result depends on timing.
const PIPE_INTO_QUIET_GREP = /\|\s*grep\s+(?:-[A-Za-z]*q[A-Za-z]*|--quiet|--silent)\b/;

function* commands(value: unknown, path: KeyPath): Generator<[string, KeyPath]> {
  if (typeof value === 'string') yield [value, path];
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* commands(v, [...path, i]);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) yield* commands(v, [...path, k]);
}

// Warnings for shell commands of a recipe (steps, check, verify) that pipe into grep -q.
export function checkPipes(input: { steps?: unknown; check?: unknown; verify?: unknown }, at: (path: KeyPath) => string): string[] {
  const found: string[] = [];
  for (const key of ['steps', 'check', 'verify'] as const) {
    for (const [text, path] of commands(input[key], [key])) {
      if (PIPE_INTO_QUIET_GREP.test(text)) {
        found.push(`${at(path)}: warning: ${formatPath(path)}: a pipe into grep -q fails at random under pipefail (SIGPIPE, exit 141); write grep … >/dev/null`);
      }
    }
  }
  return found;
}
