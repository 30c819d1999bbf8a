import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';

// The line the master connection's own session prints once the host has let rig in.
const READY = 'rig-ssh-ready';

// ssh's output when the master connection ended before the host let rig in.
export class SshMasterFailed extends Error {}

// The master connection of a run: ssh run by rig in a process group of its own (a Ctrl-C reaches rig alone, which then
// stops what runs on the host through it), holding a session whose remote `cat` ends when rig's end of it closes. So
// the connection ends with rig, even with a rig that was killed: at once, or when the scripts still on it end.
export class SshMaster {
  private constructor(private readonly child: ChildProcess, private readonly exited: Promise<void>) {}

  // Run ssh FILE ARGS… (the destination, with ControlMaster=yes) and wait until the host answers.
  static async start(file: string, args: readonly string[]): Promise<SshMaster> {
    const child = spawn(file, [...args, `echo ${READY}; exec cat >/dev/null`], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let said = '';
    const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
    child.on('error', (err) => (said += err.message));
    child.stdin!.on('error', () => undefined);
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (said = (said + chunk).slice(-16_384)));
    const ready = await new Promise<boolean>((resolve) => {
      let out = '';
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        if (out.includes(`${READY}\n`)) resolve(true);
      });
      void exited.then(() => resolve(false));
    });
    if (!ready) throw new SshMasterFailed(said);
    const master = new SshMaster(child, exited);
    master.hold(false);
    return master;
  }

  // Whether the connection keeps rig's process alive (it must not, between scripts: rig exits when its work is done).
  private hold(on: boolean): void {
    for (const stream of [this.child.stdin, this.child.stdout, this.child.stderr] as unknown as Socket[]) {
      if (on) stream.ref();
      else stream.unref();
    }
    if (on) this.child.ref();
    else this.child.unref();
  }

  // End the session (its `cat` reads the end of its input) and wait up to `graceMs` for ssh to exit, then kill it.
  async stop(graceMs = 5_000): Promise<void> {
    this.hold(true);
    this.child.stdin!.end();
    const late = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), graceMs).unref());
    if (!(await Promise.race([this.exited.then(() => true), late]))) this.child.kill('SIGKILL');
    this.hold(false);
  }
}
