import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants } from 'node:os';
import { EngineError, reasonOf, type Engine } from './engine.js';
import { REAP_FUNCTIONS } from './reap.js';

const MAX_KEPT_OUTPUT = 8 * 1024 * 1024;

// The main process of a container rig made (bash -c AGENT). It reads "<nonce> <keep|rm>\n", answers "\n<nonce> 0\n",
// then runs each message "<id> <byte count>\n<script>" with RIG_EXEC=<id> in a session of its own, stdout and stderr
// to its stdout, and ends its output with "\n<nonce> <exit code>\n". At the end of its input it exits (keep: it
// becomes `sleep infinity`); input that ends while a script runs (rig was killed) first kills what the script started.
// A script that fails (its bash killed, say) has what it left running stopped before its exit code is told: TERM,
// up to 5 s to end, then KILL; so nothing of it runs beside the next script. The script reaches bash through a pipe:
// nothing rig sends is ever on a command line.
export const AGENT = `read -r nonce mode || exit
s=; command -v setsid >/dev/null && s=setsid
${REAP_FUNCTIONS}
printf '\\n%s 0\\n' "$nonce"
while read -r id len; do
  LC_ALL=C IFS= read -r -N "$len" body || break
  { IFS= read -r -N 1 _ || kill -KILL $(marked "RIG_EXEC=$id"); } <&0 2>/dev/null &
  w=$!
  printf '%s' "$body" | RIG_EXEC=$id $s bash -s 2>&1
  code=$?
  kill "$w" 2>/dev/null; wait "$w" 2>/dev/null
  [ "$code" = 0 ] || reap "RIG_EXEC=$id"
  printf '\\n%s %d\\n' "$nonce" "$code"
done
[ "$mode" = keep ] && exec sleep infinity
exit 0`;

// What a script sent to the agent gave back: its exit code and its output (stdout and stderr interleaved).
export interface AgentResult {
  code: number;
  output: string;
}

interface Pending {
  output: string;
  onOutput: ((chunk: string) => void) | undefined;
  resolve: (result: AgentResult) => void;
}

// How many characters at the end of `text` could be the start of `mark`.
function partialMark(text: string, mark: string): number {
  for (let n = Math.min(text.length, mark.length - 1); n > 0; n--) {
    if (text.endsWith(mark.slice(0, n))) return n;
  }
  return 0;
}

// The engine's client attached to a container whose main process is the agent: scripts go over its stdin, one at a time.
export class Agent {
  private readonly nonce = randomBytes(12).toString('hex');
  private readonly mark = `\n${this.nonce} `;
  private buffer = '';
  private stderr = '';
  private pending: Pending | undefined;
  private exit: number | undefined;
  private readonly exited: Promise<number>;

  private constructor(private readonly engine: Engine, private readonly args: readonly string[], private readonly child: ChildProcess) {
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => this.feed(chunk));
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => { this.stderr = (this.stderr + chunk).slice(-64 * 1024); });
    child.stdin!.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      child.on('error', (err) => this.ended(127, err.message, resolve));
      child.on('close', (code, signal) => this.ended(code ?? 128 + (signal ? constants.signals[signal] : 1), '', resolve));
    });
  }

  // Start the container with `runArgs` (ENGINE run -i … bash -c AGENT) and wait until the agent answers; a container that
  // cannot start throws EngineError.
  static async start(engine: Engine, runArgs: readonly string[], keep: boolean): Promise<Agent> {
    const child = spawn(engine, runArgs, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const agent = new Agent(engine, runArgs, child);
    const ready = agent.wait(undefined);
    child.stdin!.write(`${agent.nonce} ${keep ? 'keep' : 'rm'}\n`);
    if ((await ready).code !== 0) throw agent.failure();
    return agent;
  }

  // Run one script (one at a time); a client that exits first gives its exit code and its messages.
  run(id: string, script: string, onOutput?: (chunk: string) => void): Promise<AgentResult> {
    const result = this.wait(onOutput);
    // bash's read drops NUL bytes without counting them, and bash ignores them in a script: they are not sent.
    const text = script.replaceAll('\0', '');
    this.child.stdin!.write(`${id} ${Buffer.byteLength(text)}\n${text}`);
    return result;
  }

  // End the agent's input and wait up to `graceMs` for the client to exit; true when the agent left cleanly (and the
  // engine removed the container, --rm); false at once when a script is still running.
  async finish(graceMs: number): Promise<boolean> {
    this.child.stdin!.end();
    if (this.pending) return false;
    const timer = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), graceMs).unref());
    return (await Promise.race([this.exited, timer])) === 0;
  }

  // Let the container go on without rig: its input ends (a kept agent then idles) and the client is stopped.
  detach(): void {
    this.child.stdin!.end();
    this.child.kill('SIGKILL');
  }

  private wait(onOutput: ((chunk: string) => void) | undefined): Promise<AgentResult> {
    if (this.pending) throw new Error('the agent runs one script at a time');
    if (this.exit !== undefined) return Promise.resolve(this.lost(''));
    return new Promise((resolve) => {
      this.pending = { output: '', onOutput, resolve };
    });
  }

  private failure(): EngineError {
    return new EngineError(this.engine, this.args, reasonOf(this.stderr) || `exit ${this.exit ?? 0}`);
  }

  private lost(output: string): AgentResult {
    return { code: this.exit || 1, output: `${output}${this.stderr}` };
  }

  private ended(code: number, message: string, resolve: (code: number) => void): void {
    if (this.exit !== undefined) return;
    this.exit = code;
    this.stderr += message;
    const pending = this.pending;
    this.pending = undefined;
    pending?.resolve(this.lost(pending.output));
    resolve(code);
  }

  // Split the agent's output into the running script's output and the mark that ends it.
  private feed(chunk: string): void {
    this.buffer += chunk;
    let at: number;
    while ((at = this.buffer.indexOf(this.mark)) >= 0) {
      const eol = this.buffer.indexOf('\n', at + this.mark.length);
      if (eol < 0) break;
      this.deliver(this.buffer.slice(0, at));
      const code = Number(this.buffer.slice(at + this.mark.length, eol));
      this.buffer = this.buffer.slice(eol + 1);
      const pending = this.pending;
      this.pending = undefined;
      pending?.resolve({ code, output: pending.output });
    }
    const held = at >= 0 ? this.buffer.length - at : partialMark(this.buffer, this.mark);
    this.deliver(this.buffer.slice(0, this.buffer.length - held));
    this.buffer = this.buffer.slice(this.buffer.length - held);
  }

  // Output while no script runs (a daemon an earlier script left behind) belongs to none and is dropped.
  private deliver(text: string): void {
    if (!text || !this.pending) return;
    if (this.pending.output.length < MAX_KEPT_OUTPUT) this.pending.output += text;
    this.pending.onOutput?.(text);
  }
}
