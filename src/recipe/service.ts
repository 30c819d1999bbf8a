import { shq } from '../shell/quote.js';

// The last line of a check's output that says how the recipe's service stands.
const STATE_LINE = /(?:^|\n)service (\S+): (running|not running)\s*$/;

// The state of a service a check reported.
export interface ServiceState {
  name: string;
  running: boolean;
}

// A recipe's check `run` followed by the state of the service it starts (`service:`), read-only: systemd's where systemd
// runs, else `service NAME status`, else the init script's status. The state is the output's last line ("service
// postgresql: not running"), and a service that is not running fails the check with exit 3 (LSB's "not running").
export function withServiceState(run: string, service: string): string {
  const said = (state: string) => shq(`service ${service}: ${state}`);
  const first = run.includes('\n') || run.includes('#') ? `(\n${run}\n) || exit` : `(${run}) || exit`;
  const name = shq(service);
  const status = `if [ -d /run/systemd/system ]; then systemctl is-active --quiet ${name}; elif command -v service >/dev/null; then service ${name} status >/dev/null 2>&1; else /etc/init.d/${name} status >/dev/null 2>&1; fi`;
  return `${first}\n${status} && echo ${said('running')} || { echo ${said('not running')}; exit 3; }`;
}

// The service state a check printed last (see withServiceState), and the output before it.
export function serviceState(output: string): { service?: ServiceState; rest: string } {
  const m = STATE_LINE.exec(output);
  if (!m) return { rest: output };
  return { service: { name: m[1]!, running: m[2] === 'running' }, rest: output.slice(0, m.index) };
}
