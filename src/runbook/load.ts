// Reading a runbook from disk: every way a file can be wrong becomes one clear sentence.

import { constants as fsConstants } from 'node:fs';
import { access, readFile, readdir, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { UsageError } from '../errors.js';
import type { Runbook } from './model.js';
import { cachedModel } from './cache.js';

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
  const parse = async () => {
    const { parseRunbook, RunbookTooDeepError } = await import('./parse.js');
    try {
      return parseRunbook(text, { fileName: basename(path) });
    } catch (error) {
      if (error instanceof RunbookTooDeepError) throw new UsageError(`${path} ${error.message}.`);
      throw error;
    }
  };
  return { file: path, runbook: await cachedModel(bytes, basename(path), parse), bytes };
}

/** Markdown files under a folder, recursively, in a stable order; tool and dependency folders are skipped. */
export async function findRunbookFiles(dir: string, warn: (message: string) => void = warnOnStderr): Promise<string[]> {
  const found: string[] = [];
  const visit = async (folder: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      if (folder === dir) throw new UsageError(describeFsError(error as NodeJS.ErrnoException, dir));
      // A folder that cannot be read may hold the runbook the operator is looking for: say so.
      warn(`skipped the folder ${folder}: ${unreadableReason(error as NodeJS.ErrnoException)}`);
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) await visit(path);
      } else if (entry.isFile() && MARKDOWN_FILE.test(entry.name)) {
        try {
          await access(path, fsConstants.R_OK);
          found.push(path);
        } catch (error) {
          warn(`skipped the runbook ${path}: ${unreadableReason(error as NodeJS.ErrnoException)}`);
        }
      }
    }
  };
  await visit(dir);
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
