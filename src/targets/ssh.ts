import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { execa } from 'execa';
import { UnreachableError, UserError } from '../errors.js';
import { shq } from '../shell/quote.js';
import { stoppedCode } from './container.js';
import { REAP_FUNCTIONS } from './reap.js';
import { spawnScript } from './spawn.js';
import { keptAnswers, keptControlPath, keptSocketDir, persistSeconds } from './ssh-socket.js';
import { becomePrelude, CHECK_BECOME, MAKE_ASKPASS, removeAskpass } from './ssh-become.js';
import { destinationText, parseSshSpec, type SshDestination } from './ssh-spec.js';
import type { ExecOptions, ExecResult, Target } from './target.js';

// A kill that signals through sudo when the user is not root and sudo runs (the reap functions call it).
const SUDO_KILL = `rig_sudo=; [ "$(id -u)" != 0 ] && sudo -n true 2>/dev/null && rig_sudo=1
kill() { if [ -n "$rig_sudo" ]; then sudo -n kill "$@"; else builtin kill "$@"; fi; }`;

// How long a host that does not answer is waited for (ssh's own default is the system's TCP timeout, minutes).
const CONNECT_TIMEOUT_S = 15;

// The ssh command: RIG_SSH when set (words split on spaces, as GIT_SSH_COMMAND is used: "ssh -F ./lab-config"), else ssh.
function sshCommand(): [string, string[]] {
  const words = (process.env.RIG_SSH ?? '').trim().split(/\s+/).filter(Boolean);
  return words.length ? [words[0]!, words.slice(1)] : ['ssh', []];
}

// The last line ssh wrote that says why it could not connect ("Permission denied (publickey).").
function sshReason(output: string): string {
  const lines = output.split('\n').map((l) => l.replace(/^@+|@+$/g, '').trim()).filter((l) => l && !/^Warning: Permanently added/.test(l));
  const telling = lines.find((l) => /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/.test(l));
  return telling ?? lines.at(-1) ?? 'ssh failed';
}

// A host reached with the system's OpenSSH client, as the user's ssh config, agent and keys reach it: one connection
// (ControlMaster) that every script of the run goes over, each as `bash -s` with the script on stdin, kept open for
// the next run (RIG_SSH_PERSIST) in a folder of this user's alone; what a script left running when it is stopped is
// found by its RIG_EXEC mark and ended.
export class SshTarget implements Target {
  readonly name: string;
  readonly cacheKey: string;
  readonly lockKey: string;
  readonly lasting = true;

  // The lines each script starts with when sudo wants a password (--ask-become-pass), and the helper's folder.
  private become: { prelude: string; dir: string } | undefined;

  // A kept connection not yet used by this run: its first script, which is rig's own and read-only (facts and checks),
  // is run again once over a new login when that one finds the connection gone (ssh exits 255).
  private unconfirmed = false;

  // `controlPath`: the master connection's socket; `privateDir`: the folder made for it alone, when it is not kept;
  // `where`: what a failure to connect is blamed on; `persist`: how long the master stays once idle.
  private constructor(
    private readonly dest: SshDestination,
    private readonly controlPath: string,
    private readonly privateDir: string | undefined,
    private readonly where: string,
    private readonly persist: number,
  ) {
    this.name = `ssh:${destinationText(dest)}`;
    this.cacheKey = this.name;
    this.lockKey = this.name;
  }

  // Connect to ssh:SPEC (the master connection); a host that cannot be reached is one line naming it.
  static connect(spec: string, becomePassword?: string): Promise<SshTarget> {
    return SshTarget.open(parseSshSpec(spec), '--target', becomePassword);
  }

  // Connect to a destination; a host that cannot be reached is an UnreachableError blamed on `where` (the flag or the
  // inventory). With `becomePassword`, sudo there is given it, and a password sudo refuses is that failure.
  static async open(dest: SshDestination, where: string, becomePassword?: string): Promise<SshTarget> {
    const persist = persistSeconds();
    const kept = persist > 0 ? keptSocketDir() : undefined;
    const privateDir = kept ? undefined : mkdtempSync(join(tmpdir(), 'rig-ssh-'));
    const target = new SshTarget(dest, kept ? keptControlPath(kept, sshCommand().flat(), dest) : join(privateDir!, 'master'), privateDir, where, kept ? persist : 120);
    // A kept connection that still runs is used as it is: the first script goes over it with no round trip before.
    if (kept && (await keptAnswers(target.controlPath))) target.unconfirmed = true;
    else await target.connect();
    if (becomePassword !== undefined) await target.giveSudo(becomePassword, where);
    return target;
  }

  // Log in: ssh's master connection, which stays for this run or, kept, for the next (with ssh as its keeper once idle);
  // one that fails is one line.
  private async connect(): Promise<void> {
    const [file, args] = this.command(['true'], ['-o', 'ControlMaster=auto', '-o', `ControlPersist=${this.persist}`]);
    const res = await execa(file, args, { reject: false, all: true, stdin: 'ignore' });
    if (res.exitCode === 0) return;
    this.removePrivateDir();
    throw new UnreachableError(`${this.where === '--target' ? '--target ' : ''}${this.name}: cannot connect: ${sshReason(String(res.all ?? ''))}`, this.where);
  }

  // Make the askpass helper, and check that sudo takes the password.
  private async giveSudo(password: string, where: string): Promise<void> {
    const named = `${where === '--target' ? '--target ' : ''}${this.name}`;
    const made = await this.exec(MAKE_ASKPASS);
    const dir = made.output.trim();
    if (made.code !== 0 || !dir.startsWith('/')) {
      await this.close();
      throw new UserError(`${named}: cannot make the askpass helper for --ask-become-pass: ${made.output.trim() || `exit ${made.code}`}`, where);
    }
    this.become = { prelude: becomePrelude(password, dir), dir };
    const checked = await this.exec(CHECK_BECOME);
    if (checked.code !== 0) {
      await this.close();
      const why = checked.output.trim().split('\n').filter(Boolean).at(-1) ?? `exit ${checked.code}`;
      throw new UserError(`${named}: sudo did not take the password of --ask-become-pass for ${this.dest.user ?? 'the login user'}: ${why}`, where);
    }
  }

  // ssh's file and arguments to run `remote` on the host over the master connection (with `extra` options).
  private command(remote: string[], extra: string[] = []): [string, string[]] {
    const [file, base] = sshCommand();
    const options = [...(this.dest.options ?? []), ...extra, '-o', 'BatchMode=yes', '-o', `ControlPath=${this.controlPath}`, '-o', 'ServerAliveInterval=15', '-o', `ConnectTimeout=${CONNECT_TIMEOUT_S}`];
    if (this.dest.port) options.push('-p', String(this.dest.port));
    if (this.dest.user) options.push('-l', this.dest.user);
    if (this.dest.identityFile) options.push('-i', this.dest.identityFile);
    return [file, [...base, ...options, '--', this.dest.host, ...remote]];
  }

  async exec(script: string, options: ExecOptions = {}): Promise<ExecResult> {
    const first = this.unconfirmed;
    this.unconfirmed = false;
    const result = await this.execOnce(script, options);
    if (!first || result.code !== 255) return result;
    await this.connect();
    return this.execOnce(script, options);
  }

  private async execOnce(script: string, options: ExecOptions): Promise<ExecResult> {
    const id = randomBytes(6).toString('hex');
    // The caller's variables (secrets among them) travel in the script on stdin: sshd passes on no environment.
    const exports = Object.entries(options.env ?? {}).map(([k, v]) => `export ${k}=${shq(v)}`).join('\n');
    const [file, args] = this.command(['env', `RIG_EXEC=${id}`, 'bash', '-s']);
    const { env: _, ...rest } = options;
    let reaped: Promise<void> | undefined;
    const onStop = () => {
      reaped ??= this.reap(id);
    };
    options.signal?.addEventListener('abort', onStop, { once: true });
    const timer = options.timeoutMs ? setTimeout(onStop, options.timeoutMs) : undefined;
    try {
      const result = await spawnScript(file, args, [this.become?.prelude, exports, script].filter(Boolean).join('\n'), rest);
      // The connection broke (ssh exits 255) or the script's bash was killed: what it started may still run there.
      if (result.code >= 128) onStop();
      // What was stopped is gone from the host before the result is told.
      await reaped;
      return stoppedCode(result);
    } finally {
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onStop);
    }
  }

  // Stop what the script marked `id` left running on the host: TERM, then KILL. The marks are looked for as the user
  // who logged in (root in a container cannot read another user's environment), and the kills go through sudo where it
  // runs without a password, for the processes of root steps.
  private async reap(id: string): Promise<void> {
    const [file, args] = this.command(['bash', '-s']);
    const script = [this.become?.prelude, REAP_FUNCTIONS, SUDO_KILL, `reap ${shq(`RIG_EXEC=${id}`)}`].filter(Boolean).join('\n');
    await spawnScript(file, args, script, {}).catch(() => undefined);
  }

  // Written to a new file beside the path, then renamed into place.
  async putFile(localPath: string, targetPath: string): Promise<void> {
    const tmp = `${targetPath}.rig-${randomBytes(6).toString('hex')}`;
    const [file, args] = this.command([`mkdir -p ${shq(posix.dirname(targetPath))} && cat > ${shq(tmp)} && mv -f ${shq(tmp)} ${shq(targetPath)} || { rm -f ${shq(tmp)}; exit 1; }`]);
    const res = await execa(file, args, { reject: false, all: true, inputFile: localPath });
    if (res.exitCode !== 0) throw new Error(`${this.name}: copying to ${targetPath} failed: ${String(res.all ?? '').trim()}`);
  }

  async commit(): Promise<void> {
    throw new UserError(`--commit needs a container target, not ${this.name}`, '--commit');
  }

  // Remove the askpass helper; close the master connection unless it is kept.
  async close(): Promise<void> {
    if (this.become) {
      const [rmFile, rmArgs] = this.command([removeAskpass(this.become.dir)]);
      this.become = undefined;
      await execa(rmFile, rmArgs, { reject: false, stdin: 'ignore' });
    }
    // A kept connection stays for the next run (ssh closes it once idle that long); this run's own is closed.
    if (!this.privateDir) return;
    const [file, args] = this.command([], ['-O', 'exit']);
    await execa(file, args, { reject: false, stdin: 'ignore', all: true });
    this.removePrivateDir();
  }

  private removePrivateDir(): void {
    if (this.privateDir) rmSync(this.privateDir, { recursive: true, force: true });
  }
}
