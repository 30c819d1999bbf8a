import { NdjsonReporter } from './ndjson.js';
import { PlainReporter } from './plain.js';
import type { Reporter } from './reporter.js';

// Pick the reporter: NDJSON for --json, listr2 on an interactive terminal, plain lines otherwise (pipes, CI).
export async function selectReporter(opts: { json: boolean; verbose: boolean }): Promise<Reporter> {
  if (opts.json) return new NdjsonReporter(process.stdout);
  if (process.stdout.isTTY && !process.env.CI && !opts.verbose) {
    const { ListrReporter } = await import('./listr.js');
    return new ListrReporter();
  }
  return new PlainReporter(process.stdout, opts.verbose);
}
