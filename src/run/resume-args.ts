import type { Target } from '../targets/target.js';

// The command line that resumes a run on the same target: a container kept with --keep is named (container:NAME)
// instead of the image a new container would be made from.
export function resumeArgs(args: readonly string[], target: Target): string[] {
  const again = target.resumeAs;
  if (!again) return [...args];
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--keep') continue;
    if (arg === '--target') {
      out.push('--target', again);
      i++;
    } else if (arg.startsWith('--target=')) out.push(`--target=${again}`);
    else out.push(arg);
  }
  return out;
}
