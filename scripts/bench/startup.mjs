// Start-up: `rig --version` against a bare `node -e ""` measured side by side.
import { fmt, median, RIG, times } from './lib.mjs';

export function benchStartup(runs) {
  const rig = median(times(runs, process.execPath, [RIG, '--version']));
  const node = median(times(runs, process.execPath, ['-e', '']));
  return [{ scenario: 'start-up (rig --version)', rig: fmt(rig), peer: `node -e "" ${fmt(node)}`, ratio: `+${fmt(rig - node)} over bare node`, goal: '< 150 ms', ok: rig < 150 }];
}
