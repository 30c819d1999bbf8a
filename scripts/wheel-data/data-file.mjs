// A data file's text: reading and checking it, and rewriting one top-level table in place, comments and all.
import { readFileSync, writeFileSync } from 'node:fs';
import { parse, parseDocument } from 'yaml';
import { PageError } from './errors.mjs';
import { atLeast } from './versions.mjs';
import { quote } from './yaml-scalars.mjs';

// Reads the data file's text and parsed tables.
export function readData(path) {
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
export function writeData(path, text, counts) {
  const doc = parseDocument(text);
  if (doc.errors.length) throw new Error(`refusing to write ${path}: the result does not parse (${doc.errors[0].message})`);
  const tables = doc.toJS();
  for (const [key, count] of Object.entries(counts)) {
    if (tables[key]?.length !== count) throw new Error(`refusing to write ${path}: '${key}' would hold ${tables[key]?.length} rows, not ${count}`);
  }
  writeFileSync(path, text);
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

// The rows of a table as written whose version is below a MAJOR.MINOR floor (kept as they are by a refresh).
export function rowsBelow(text, key, floor) {
  return tableChunks(text, key).filter((chunk) => !atLeast(chunkVersion(chunk), floor));
}

// The text with a table's body replaced by `rows` (each a row's lines); everything else untouched.
export function replaceTable(text, key, rows) {
  const lines = text.split('\n');
  const [start, end] = tableSpan(lines, key);
  return [...lines.slice(0, start), ...rows.flatMap((row) => row.split('\n')), ...lines.slice(end)].join('\n');
}

// The text with its top-level `refreshed:` set to today's date (added before `before:` if missing).
export function setRefreshed(text, before) {
  const line = `refreshed: ${quote(today())}`;
  if (/^refreshed:.*$/m.test(text)) return text.replace(/^refreshed:.*$/m, line);
  return text.replace(new RegExp(`^${before}:`, 'm'), `${line}\n${before}:`);
}

// Today's date, YYYY-MM-DD (local time).
function today() {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}
