#!/usr/bin/env node
// Refreshes the wheel tables of recipes/data/pytorch.yaml (`torch`) and recipes/data/paddle.yaml (`releases`,
// `wheels`) from the PEP 503 project pages of the wheel indexes, or from saved copies of them (--from DIR).
// Prints the rows; with --write replaces the tables in place, keeping comments and every other line.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readData, replaceTable, rowsBelow, setRefreshed, writeData } from './wheel-data/data-file.mjs';
import { formatPaddleRelease, formatPaddleWheel, PADDLE_MIN, paddleBuilds, paddleReleases } from './wheel-data/paddle-rows.mjs';
import { formatTorchRow, torchBuilds, torchRows } from './wheel-data/torch-rows.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const NAME = 'refresh-wheel-data';
const USAGE = 'usage: refresh-wheel-data.mjs <torch|paddle> [--from DIR] [--min X.Y] [--data FILE] [--write]';
const DEFAULT_TORCH_MIN = '2.1';

// A bad command line: exit status 2.
class UsageError extends Error {}

// The options of the command line, checked.
function parseCli(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        from: { type: 'string' },
        min: { type: 'string' },
        data: { type: 'string' },
        write: { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    throw new UsageError(err.message.replace(/\. To specify a positional.*$/s, ''));
  }
  const { positionals, values } = parsed;
  if (positionals.length !== 1 || !['torch', 'paddle'].includes(positionals[0])) {
    throw new UsageError(`expected one target, torch or paddle, got ${positionals.length ? positionals.join(' ') : 'none'}`);
  }
  const target = positionals[0];
  if (values.min !== undefined && target !== 'torch') throw new UsageError('--min applies to torch only');
  if (values.min !== undefined && !/^\d+\.\d+$/.test(values.min)) throw new UsageError(`--min wants MAJOR.MINOR, got '${values.min}'`);
  const data = values.data ?? join(ROOT, 'recipes', 'data', target === 'torch' ? 'pytorch.yaml' : 'paddle.yaml');
  return { target, from: values.from, min: values.min ?? DEFAULT_TORCH_MIN, data, write: values.write };
}

// `torch`: prints the rows, and with --write replaces the table (rows below --min kept as written).
async function refreshTorch(cli, warn) {
  const { text, tables } = readData(cli.data);
  const rows = torchRows(await torchBuilds(cli.from), tables.torch ?? [], cli.min, warn);
  const body = [...rows.map(formatTorchRow), ...rowsBelow(text, 'torch', cli.min)];
  process.stdout.write(`${body.join('\n')}\n`);
  if (!cli.write) return;
  const next = setRefreshed(replaceTable(text, 'torch', body), 'torch');
  writeData(cli.data, next, { torch: body.length });
  warn(`wrote ${body.length} torch rows to ${cli.data}`);
}

// `paddle`: prints `releases` and `wheels`, and with --write replaces both (rows below 3.0 kept as written).
async function refreshPaddle(cli, warn) {
  const { text, tables } = readData(cli.data);
  const builds = await paddleBuilds(cli.from);
  const releases = paddleReleases(builds, tables.releases ?? []);
  const releaseBody = [...releases.map(formatPaddleRelease), ...rowsBelow(text, 'releases', PADDLE_MIN)];
  const wheelBody = [...releases.flatMap((r) => r.variants.map((v) => formatPaddleWheel(r.version, v))), ...rowsBelow(text, 'wheels', PADDLE_MIN)];
  process.stdout.write(`releases:\n${releaseBody.join('\n')}\nwheels:\n${wheelBody.join('\n')}\n`);
  if (!cli.write) return;
  const replaced = replaceTable(replaceTable(text, 'releases', releaseBody), 'wheels', wheelBody);
  writeData(cli.data, setRefreshed(replaced, 'releases'), { releases: releaseBody.length, wheels: wheelBody.length });
  warn(`wrote ${releaseBody.length} releases and ${wheelBody.length} wheels rows to ${cli.data}`);
}

// Runs the command line; exit 2 for bad flags, 1 for pages or files that cannot be read or used.
async function main() {
  const warn = (message) => process.stderr.write(`${NAME}: ${message}\n`);
  try {
    const cli = parseCli(process.argv.slice(2));
    await (cli.target === 'torch' ? refreshTorch(cli, warn) : refreshPaddle(cli, warn));
  } catch (err) {
    if (err instanceof UsageError) {
      warn(`${err.message} (${USAGE})`);
      process.exitCode = 2;
    } else {
      warn(err.message);
      process.exitCode = 1;
    }
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
