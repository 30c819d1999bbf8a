#!/usr/bin/env node
// Refreshes the wheel tables of recipes/data/pytorch.yaml (`torch`) and recipes/data/paddle.yaml (`releases`,
// `wheels`) from the PEP 503 project pages of the wheel indexes, or from saved copies of them (--from DIR).
// Prints the rows; with --write replaces the tables in place, keeping comments and every other line.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse, parseDocument } from 'yaml';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const NAME = 'refresh-wheel-data';
const USAGE = 'usage: refresh-wheel-data.mjs <torch|paddle> [--from DIR] [--min X.Y] [--data FILE] [--write]';
const TORCH_INDEX = 'https://download.pytorch.org/whl/';
const TORCH_PROJECTS = ['torch', 'torchvision', 'torchaudio'];
const PADDLE_INDEX = 'https://www.paddlepaddle.org.cn/packages/stable/';
const PADDLE_VARIANTS = ['cpu', 'cu118', 'cu126', 'cu129', 'cu130'];
const PADDLE_MIN = '3.0';
const DEFAULT_TORCH_MIN = '2.1';
const FETCH_TIMEOUT_MS = 60_000;

// A bad command line: exit status 2.
class UsageError extends Error {}

// A page or data file that cannot be fetched, read or used: exit status 1.
class PageError extends Error {}

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

// The HTML of one index page: the saved copy DIR/file with --from, else fetched from url.
async function readPage(url, file, from) {
  if (from !== undefined) {
    const path = join(from, file);
    try {
      return readFileSync(path, 'utf8');
    } catch (err) {
      throw new PageError(`cannot read ${path}: ${err.code ?? err.message}`);
    }
  }
  let response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch (err) {
    throw new PageError(`cannot fetch ${url}: ${err.cause?.message ?? err.message}`);
  }
  if (!response.ok) throw new PageError(`cannot fetch ${url}: HTTP ${response.status}`);
  return response.text();
}

// The wheel file names a PEP 503 page links to (anchor text, else the href's last segment), percent-decoded.
export function wheelNames(html) {
  const names = [];
  for (const [, href, text] of html.matchAll(/<a\s[^>]*?href="([^"]*)"[^>]*>([^<]*)<\/a>/gi)) {
    const raw = text.trim().endsWith('.whl') ? text.trim() : href.split('#')[0].split('/').pop();
    const name = safeDecode(raw);
    if (name.endsWith('.whl')) names.push(name);
  }
  return names;
}

// decodeURIComponent that leaves malformed escapes as they are.
function safeDecode(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

// The parts of a wheel file name (PEP 427): distribution, version, local label, python, abi and platform tags.
export function parseWheel(file) {
  const parts = file.replace(/\.whl$/, '').split('-');
  if (parts.length !== 5 && parts.length !== 6) return null;
  const [dist, fullVersion] = parts;
  const [py, abi, platform] = parts.slice(-3);
  const [version, local = ''] = fullVersion.split('+');
  return { dist: dist.toLowerCase().replace(/[-_.]+/g, '_'), version, local, py, abi, platform };
}

// Whether a platform tag (possibly compressed, a.b) names Linux on x86_64 (linux_x86_64, manylinux*_x86_64).
function isLinuxX86(platform) {
  return platform.split('.').some((tag) => /^(many)?linux[0-9_]*_x86_64$/.test(tag));
}

// Whether a version is a final release (no dev, pre or post part).
function isFinal(version) {
  return /^\d+(\.\d+)+$/.test(version);
}

// The CPython 3 minor of a wheel's tags, or null for free-threaded (cp3XXt) and non-CPython wheels.
function cpythonMinor(wheel) {
  const match = /^cp3(\d+)$/.exec(wheel.py);
  if (!match || /t$/.test(wheel.abi)) return null;
  return Number(match[1]);
}

// Compares two dotted versions numerically.
function compareVersions(a, b) {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff) return diff;
  }
  return 0;
}

// MAJOR.MINOR of a version.
function minorOf(version) {
  return version.split('.').slice(0, 2).join('.');
}

// Whether a version is at or above a MAJOR.MINOR floor.
function atLeast(version, floor) {
  return compareVersions(minorOf(version), floor) >= 0;
}

// The builds on one page: version → { variants, minors } of `project`'s final Linux x86_64 wheels (variantOf: build or null).
export function collectBuilds(html, project, variantOf, builds = new Map()) {
  const dist = project.toLowerCase().replace(/[-_.]+/g, '_');
  for (const file of wheelNames(html)) {
    const wheel = parseWheel(file);
    if (!wheel || wheel.dist !== dist || !isFinal(wheel.version) || !isLinuxX86(wheel.platform)) continue;
    const variant = variantOf(wheel);
    if (variant === null) continue;
    const build = builds.get(wheel.version) ?? { variants: new Set(), minors: new Set() };
    build.variants.add(variant);
    const minor = cpythonMinor(wheel);
    if (minor !== null) build.minors.add(minor);
    builds.set(wheel.version, build);
  }
  return builds;
}

// The build of a download.pytorch.org wheel from its local label: cuXXX or cpu; ROCm, XPU and others skipped.
function torchVariant(wheel) {
  return /^cu\d+$/.test(wheel.local) || wheel.local === 'cpu' ? wheel.local : null;
}

// The CPython range of a set of minors, as the data files write it (">=3.10 <3.15").
function pythonRange(minors) {
  if (minors.size === 0) return '';
  const sorted = [...minors].sort((a, b) => a - b);
  return `>=3.${sorted[0]} <3.${sorted[sorted.length - 1] + 1}`;
}

// The CUDA builds of a variant set, oldest first.
function cudaList(variants) {
  return [...variants].filter((v) => v.startsWith('cu')).sort((a, b) => Number(a.slice(2)) - Number(b.slice(2)));
}

// The newest patch of each minor among versions, newest first.
function newestPatches(versions) {
  const newest = new Map();
  for (const version of versions) {
    const minor = minorOf(version);
    if (!newest.has(minor) || compareVersions(version, newest.get(minor)) > 0) newest.set(minor, version);
  }
  return [...newest.values()].sort((a, b) => compareVersions(b, a));
}

// The companion release of minor `minor` carrying every torch build (`exact` first, then newest); else, warned, the first lacking some; else "".
function pickCompanion(builds, minor, exact, variants, label, warn) {
  if (minor === null) return '';
  const sameMinor = [...builds.keys()].filter((v) => minorOf(v) === minor).sort((a, b) => compareVersions(b, a));
  const covers = (v) => [...variants].every((variant) => builds.get(v).variants.has(variant));
  const ranked = [...sameMinor.filter((v) => v === exact), ...sameMinor.filter((v) => v !== exact)];
  const full = ranked.find(covers);
  if (full) return full;
  const missing = ranked.length ? [...variants].filter((v) => !builds.get(ranked[0]).variants.has(v)).sort() : [];
  if (ranked.length) warn(`${label} ${ranked[0]} has no Linux x86_64 wheels for ${missing.join(', ')}; paired anyway`);
  return ranked[0] ?? '';
}

// torchvision's minor for a torch version (documented pairing: 0.(minor + 15) for torch 2.x), or null.
function torchvisionMinor(torchVersion) {
  const [major, minor] = torchVersion.split('.').map(Number);
  return major === 2 ? `0.${minor + 15}` : null;
}

// The rows of the torch table from the three project pages' builds, newest first.
export function torchRows(builds, existing, min, warn) {
  const byVersion = new Map(existing.map((row) => [String(row.version), row]));
  const versions = newestPatches([...builds.torch.keys()].filter((v) => atLeast(v, min)));
  return versions.map((version) => {
    const build = builds.torch.get(version);
    const old = byVersion.get(version);
    if (!old) warn(`torch ${version} is new: pypi written as "" (the PyPI build is not on these pages; set it by hand)`);
    return {
      version,
      torchvision: pickCompanion(builds.torchvision, torchvisionMinor(version), null, build.variants, `torchvision for torch ${version}:`, warn),
      torchaudio: pickCompanion(builds.torchaudio, minorOf(version), version, build.variants, `torchaudio for torch ${version}:`, warn),
      cuda: cudaList(build.variants),
      python: pythonRange(build.minors),
      pypi: old?.pypi ?? '',
      source: old?.source,
    };
  });
}

// A YAML double-quoted scalar.
function quote(text) {
  return JSON.stringify(String(text));
}

// A plain scalar when the value is a simple word, else a quoted one ("" for empty).
function word(text) {
  return /^[A-Za-z0-9][A-Za-z0-9._]*$/.test(String(text)) ? String(text) : quote(text);
}

// One row of the torch table in the data file's flow style (a kept `source` on its own continuation line).
export function formatTorchRow(row) {
  const head = `  - { version: ${quote(row.version)}, torchvision: ${quote(row.torchvision)}, torchaudio: ${quote(row.torchaudio)}, ` +
    `cuda: [${row.cuda.join(', ')}], python: ${quote(row.python)}, pypi: ${word(row.pypi)}`;
  return row.source === undefined ? `${head} }` : `${head},\n      source: ${quote(row.source)} }`;
}

// The rows of Paddle's `releases` table from the per-build pages (releases >= 3.0, newest patch per minor).
export function paddleReleases(builds, existing) {
  const byVersion = new Map(existing.map((row) => [String(row.version), row]));
  const all = new Set(PADDLE_VARIANTS.flatMap((variant) => [...builds.get(variant).keys()]));
  return newestPatches([...all].filter((v) => atLeast(v, PADDLE_MIN))).map((version) => {
    const variants = PADDLE_VARIANTS.filter((variant) => builds.get(variant).has(version));
    const minors = new Set(variants.flatMap((variant) => [...builds.get(variant).get(version).minors]));
    return { version, variants, cuda: cudaList(variants), python: pythonRange(minors), source: byVersion.get(version)?.source };
  });
}

// One row of Paddle's `releases` table in the data file's style.
export function formatPaddleRelease(row) {
  const source = row.source === undefined ? '' : `, source: ${quote(row.source)}`;
  return `  - { version: ${quote(row.version)}, cuda: [${row.cuda.join(', ')}], python: ${quote(row.python)}${source} }`;
}

// One row of Paddle's `wheels` table for a 3.x build: the per-build index, nothing installed locally.
export function formatPaddleWheel(version, variant) {
  const project = variant === 'cpu' ? 'paddlepaddle' : 'paddlepaddle-gpu';
  return `  - { version: ${quote(version)}, variant: ${variant}, requirement: ${quote(`${project}==${version}`)}, ` +
    `index: ${quote(`${PADDLE_INDEX}${variant}/`)}, links: "", numpy: "numpy", cudnn: "", local: false }`;
}

// The line range [start, end) of a top-level table's body: the indented lines after `key:`.
function tableSpan(lines, key) {
  const start = lines.findIndex((line) => new RegExp(`^${key}:\\s*$`).test(line));
  if (start < 0) throw new PageError(`the data file has no top-level '${key}:' table`);
  let end = start + 1;
  while (end < lines.length && /^\s+\S/.test(lines[end])) end++;
  return [start + 1, end];
}

// The rows of a table as written: one text chunk per `- ` item, continuation lines included.
function tableChunks(text, key) {
  const lines = text.split('\n');
  const [start, end] = tableSpan(lines, key);
  const chunks = [];
  for (const line of lines.slice(start, end)) {
    if (/^\s*- /.test(line) || chunks.length === 0) chunks.push(line);
    else chunks[chunks.length - 1] += `\n${line}`;
  }
  return chunks;
}

// The version of a written row chunk.
function chunkVersion(chunk) {
  return String(parse(chunk)?.[0]?.version ?? '');
}

// The text with a table's body replaced by `rows` (each a row's lines); everything else untouched.
function replaceTable(text, key, rows) {
  const lines = text.split('\n');
  const [start, end] = tableSpan(lines, key);
  return [...lines.slice(0, start), ...rows.flatMap((row) => row.split('\n')), ...lines.slice(end)].join('\n');
}

// The text with its top-level `refreshed:` set to date (added before `before:` if missing).
function setRefreshed(text, date, before) {
  const line = `refreshed: ${quote(date)}`;
  if (/^refreshed:.*$/m.test(text)) return text.replace(/^refreshed:.*$/m, line);
  return text.replace(new RegExp(`^${before}:`, 'm'), `${line}\n${before}:`);
}

// Today's date, YYYY-MM-DD (local time).
function today() {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

// Reads the data file's text and parsed tables.
function readData(path) {
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new PageError(`cannot read data file ${path}: ${err.code ?? err.message}`);
  }
  const doc = parseDocument(text);
  if (doc.errors.length) throw new PageError(`cannot parse data file ${path}: ${doc.errors[0].message}`);
  return { text, tables: doc.toJS() ?? {} };
}

// Writes the new text after checking it parses and holds the expected number of rows per table.
function writeData(path, text, counts) {
  const doc = parseDocument(text);
  if (doc.errors.length) throw new Error(`refusing to write ${path}: the result does not parse (${doc.errors[0].message})`);
  const tables = doc.toJS();
  for (const [key, count] of Object.entries(counts)) {
    if (tables[key]?.length !== count) throw new Error(`refusing to write ${path}: '${key}' would hold ${tables[key]?.length} rows, not ${count}`);
  }
  writeFileSync(path, text);
}

// Fetches or reads the torch, torchvision and torchaudio pages and collects their builds.
async function torchBuilds(from) {
  const builds = {};
  for (const project of TORCH_PROJECTS) {
    const html = await readPage(`${TORCH_INDEX}${project}/`, `${project}.html`, from);
    builds[project] = collectBuilds(html, project, torchVariant);
  }
  if (builds.torch.size === 0) throw new PageError('no final Linux x86_64 torch wheels on the torch page');
  return builds;
}

// Fetches or reads Paddle's per-build pages: variant → version → build.
async function paddleBuilds(from) {
  const builds = new Map();
  for (const variant of PADDLE_VARIANTS) {
    const project = variant === 'cpu' ? 'paddlepaddle' : 'paddlepaddle-gpu';
    const html = await readPage(`${PADDLE_INDEX}${variant}/${project}/`, `paddle-${variant}-${project}.html`, from);
    builds.set(variant, collectBuilds(html, project, () => variant));
  }
  if ([...builds.values()].every((b) => b.size === 0)) throw new PageError('no final Linux x86_64 Paddle wheels on the Paddle pages');
  return builds;
}

// `torch`: prints the rows, and with --write replaces the table (rows below --min kept as written).
async function refreshTorch(cli, warn) {
  const { text, tables } = readData(cli.data);
  const rows = torchRows(await torchBuilds(cli.from), tables.torch ?? [], cli.min, warn);
  const kept = tableChunks(text, 'torch').filter((chunk) => !atLeast(chunkVersion(chunk), cli.min));
  const body = [...rows.map(formatTorchRow), ...kept];
  process.stdout.write(`${body.join('\n')}\n`);
  if (!cli.write) return;
  const next = setRefreshed(replaceTable(text, 'torch', body), today(), 'torch');
  writeData(cli.data, next, { torch: body.length });
  warn(`wrote ${body.length} torch rows to ${cli.data}`);
}

// `paddle`: prints `releases` and `wheels`, and with --write replaces both (rows below 3.0 kept as written).
async function refreshPaddle(cli, warn) {
  const { text, tables } = readData(cli.data);
  const builds = await paddleBuilds(cli.from);
  const releases = paddleReleases(builds, tables.releases ?? []);
  const older = (key) => tableChunks(text, key).filter((chunk) => !atLeast(chunkVersion(chunk), PADDLE_MIN));
  const releaseBody = [...releases.map(formatPaddleRelease), ...older('releases')];
  const wheelBody = [...releases.flatMap((r) => r.variants.map((v) => formatPaddleWheel(r.version, v))), ...older('wheels')];
  process.stdout.write(`releases:\n${releaseBody.join('\n')}\nwheels:\n${wheelBody.join('\n')}\n`);
  if (!cli.write) return;
  const replaced = replaceTable(replaceTable(text, 'releases', releaseBody), 'wheels', wheelBody);
  writeData(cli.data, setRefreshed(replaced, today(), 'releases'), { releases: releaseBody.length, wheels: wheelBody.length });
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
