// Reading a runbook from disk: every way a file can be wrong becomes one clear sentence.

import { accessSync, closeSync, constants as fsConstants, fstatSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { UsageError } from '../errors.js';
import type { Runbook } from './model.js';
import { cachedModel } from './cache.js';

type ParserModule = typeof import('./parse.js');

/** A runbook is text a person reads; past this it is a wrong path, and parsing it would take seconds and gigabytes. */
export const MAX_RUNBOOK_BYTES = 8 * 1024 * 1024;

const MARKDOWN_FILE = /\.(md|markdown|mdown|mkd)$/i;
const SKIPPED_DIRS = new Set(['node_modules', '.git', 'dist', 'build', 'vendor']);

export interface LoadedRunbook {
  file: string;
  runbook: Runbook;
  /** The exact bytes that were parsed, for hashing into the session log. */
  bytes: Buffer;
}

function describeFsError(error: NodeJS.ErrnoException, path: string): string {
  switch (error.code) {
    case 'ENOENT':
      return `No such file or directory: ${path}.`;
    case 'EACCES':
    case 'EPERM':
      return `Cannot read ${path}: permission denied.`;
    case 'EISDIR':
      return `${path} is a directory; give a Markdown file.`;
    default:
      return `Cannot read ${path}: ${error.message}.`;
  }
}

function formatSize(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Decode runbook bytes as UTF-8 text, refusing binary files and invalid UTF-8 with a sentence that says where. */
export function decodeRunbookBytes(bytes: Buffer, path: string): string {
  const probe = bytes.subarray(0, 8192);
  if (probe.includes(0)) throw new UsageError(`${path} is a binary file, not a Markdown runbook.`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8Offset(bytes);
    const line = bytes.subarray(0, at).toString('latin1').split('\n').length;
    throw new UsageError(`${path} is not valid UTF-8 text (first bad byte on line ${line}); save it as UTF-8 and try again.`);
  }
}

function firstInvalidUtf8Offset(bytes: Buffer): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let lo = 0;
  let hi = bytes.length;
  // The longest valid prefix, found by bisection (a cut inside a character also fails, hence the slack of 4).
  while (hi - lo > 4) {
    const mid = (lo + hi) >> 1;
    try {
      decoder.decode(bytes.subarray(0, mid));
      lo = mid;
    } catch {
      hi = mid;
    }
  }
  return lo;
}

export async function loadRunbook(path: string): Promise<LoadedRunbook> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new UsageError(describeFsError(error as NodeJS.ErrnoException, path));
  }
  if (info.isDirectory()) throw new UsageError(`${path} is a directory; give a Markdown file.`);
  if (info.size > MAX_RUNBOOK_BYTES) {
    throw new UsageError(`${path} is ${formatSize(info.size)}; a runbook larger than ${formatSize(MAX_RUNBOOK_BYTES)} is refused (check the path).`);
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new UsageError(describeFsError(error as NodeJS.ErrnoException, path));
  }
  const text = decodeRunbookBytes(bytes, path);
  // The parser loads only when the cache misses.
  const parse = async () => parseRunbookText(await import('./parse.js'), text, path);
  return { file: path, runbook: await cachedModel(bytes, basename(path), parse), bytes };
}

/** Parse a runbook's text, a structure too deep to walk refused in one sentence. */
export function parseRunbookText(parser: ParserModule, text: string, path: string): Runbook {
  try {
    return parser.parseRunbook(text, { fileName: basename(path) });
  } catch (error) {
    if (error instanceof parser.RunbookTooDeepError) throw new UsageError(`${path} ${error.message}.`);
    throw error;
  }
}

/**
 * The bytes of a runbook found in a folder, read synchronously: on a local disk one small file costs
 * microseconds this way and several thread-pool round trips (open, stat, read, close) asynchronously,
 * which measured 2–4× slower at any concurrency. Only regular files are read: a FIFO named `x.md`
 * would block the whole process (hence the non-blocking open).
 */
export function readRunbookBytesSync(path: string): Buffer {
  let fd: number;
  try {
    fd = openSync(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch (error) {
    throw new UsageError(describeFsError(error as NodeJS.ErrnoException, path));
  }
  try {
    const info = fstatSync(fd);
    if (info.isDirectory()) throw new UsageError(`${path} is a directory; give a Markdown file.`);
    if (!info.isFile()) throw new UsageError(`${path} is not a regular file; give a Markdown file.`);
    if (info.size > MAX_RUNBOOK_BYTES) {
      throw new UsageError(`${path} is ${formatSize(info.size)}; a runbook larger than ${formatSize(MAX_RUNBOOK_BYTES)} is refused (check the path).`);
    }
    return readFileSync(fd);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(describeFsError(error as NodeJS.ErrnoException, path));
  } finally {
    closeSync(fd);
  }
}

/**
 * Markdown files under a folder, recursively, in a stable order; tool and dependency folders are skipped.
 * The walk is synchronous: it is what the picker's first frame waits for, and a folder read costs far
 * less than the event-loop turn an asynchronous one waits for.
 */
export async function findRunbookFiles(dir: string, warn: (message: string) => void = warnOnStderr, { readableOnly = true } = {}): Promise<string[]> {
  const found: string[] = [];
  const byName = new Intl.Collator().compare;
  const visit = (folder: string): void => {
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch (error) {
      if (folder === dir) throw new UsageError(describeFsError(error as NodeJS.ErrnoException, dir));
      // A folder that cannot be read may hold the runbook the operator is looking for: say so.
      warn(`skipped the folder ${folder}: ${unreadableReason(error as NodeJS.ErrnoException)}`);
      return;
    }
    entries.sort((a, b) => byName(a.name, b.name));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) visit(path);
      } else if (entry.isFile() && MARKDOWN_FILE.test(entry.name)) {
        try {
          if (readableOnly) accessSync(path, fsConstants.R_OK);
          found.push(path);
        } catch (error) {
          warn(`skipped the runbook ${path}: ${unreadableReason(error as NodeJS.ErrnoException)}`);
        }
      }
    }
  };
  visit(dir);
  if (!found.length) throw new UsageError(`No Markdown runbooks (*.md) in ${relative(process.cwd(), dir) || dir}.`);
  return found;
}

function warnOnStderr(message: string): void {
  process.stderr.write(`runbook: warning: ${message}\n`);
}

function unreadableReason(error: NodeJS.ErrnoException): string {
  if (error.code === 'EACCES' || error.code === 'EPERM') return 'permission denied (check its owner and mode)';
  return error.code ? `${error.code.toLowerCase()} (${error.message})` : error.message;
}

export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
