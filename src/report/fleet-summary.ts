import type { HostOutcome } from '../fleet/outcome.js';
import { duration, painter } from './style.js';

// What one host's run came to, in a few words.
export function outcomeText(o: HostOutcome): string {
  const counts = `${o.installed} installed, ${o.satisfied} satisfied`;
  switch (o.state) {
    case 'ok':
      return counts;
    case 'failed':
      return `failed: ${o.reason ?? 'see above'}${o.installed ? ` (${o.installed} installed first)` : ''}`;
    case 'unreachable':
      return `unreachable: ${o.reason ?? ''}`;
    case 'interrupted':
      return `interrupted (${counts}); the next run resumes it`;
    case 'skipped':
      return `not started: ${o.reason ?? 'the run was stopped'}`;
  }
}

// The table at the end of a run over many hosts (host, result, time), and a line that counts them.
export function summaryTable(outcomes: readonly HostOutcome[], ms: number, out: { isTTY?: boolean }): string {
  const p = painter(out);
  const width = Math.max(4, ...outcomes.map((o) => o.host.length));
  const color = { ok: 'green', failed: 'red', unreachable: 'red', interrupted: 'yellow', skipped: 'dim' } as const;
  const rows = outcomes.map((o) => `${o.host.padEnd(width)}  ${p(color[o.state], outcomeText(o).padEnd(40))}  ${duration(o.ms)}`);
  const counts = new Map<string, number>();
  for (const o of outcomes) counts.set(o.state, (counts.get(o.state) ?? 0) + 1);
  const tally = [...counts].map(([state, n]) => `${n} ${state}`).join(', ');
  return [p('bold', `${'HOST'.padEnd(width)}  ${'RESULT'.padEnd(40)}  TIME`), ...rows, `${outcomes.length} host${outcomes.length === 1 ? '' : 's'}: ${tally} in ${duration(ms)}`].join('\n');
}
