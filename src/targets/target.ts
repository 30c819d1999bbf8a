// How to run one script on a target.
export interface ExecOptions {
  // Extra environment variables for the script.
  env?: Record<string, string>;
  // Kill the script's whole process group after this many milliseconds.
  timeoutMs?: number;
  // Kill the script's whole process group when this aborts.
  signal?: AbortSignal;
  // Called with output (stdout and stderr interleaved) as it arrives.
  onOutput?: (chunk: string) => void;
}

// The outcome of a script: its exit code and its output (stdout and stderr interleaved).
export interface ExecResult {
  code: number;
  output: string;
  timedOut: boolean;
  aborted: boolean;
}

// Where commands run: this machine, or a container.
export interface Target {
  // "local", "podman:debian-bookworm", …
  readonly name: string;
  // Names the target across runs (facts gathered there are cached under it): "local", "podman:IMAGE", "podman:container:NAME".
  readonly cacheKey: string;
  // Does what rig writes there (its journal) outlive this run? Not in a container rig made and removes afterwards.
  readonly lasting: boolean;
  // Names the target for its lock, the same however it is reached ("container:NAME" for a container rig made and for
  // one it attached to), so that two runs on one target cannot both hold a lock.
  readonly lockKey: string;
  // The --target that reaches this same target in a later run, when it differs from the one given (a kept container).
  readonly resumeAs?: string;
  // Run a bash script (given on stdin, with stdin then closed for its commands).
  exec(script: string, options?: ExecOptions): Promise<ExecResult>;
  // Copy a file from this machine to a path on the target.
  putFile(localPath: string, targetPath: string): Promise<void>;
  // Save the target as an image (--commit); only a container can be, others refuse with a UserError.
  commit(tag: string): Promise<void>;
  // Release the target (remove a container made for this run).
  close(): Promise<void>;
}

// Wrap a script so bash reads all of it before running any command, with stdin closed for those commands.
export function asStdinScript(script: string): string {
  return `{\n${script}\n} </dev/null\n`;
}
