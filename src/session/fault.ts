// Storage faults (a full disk, a file-size limit, a read-only folder) told as one sentence: what failed,
// where, and the space left, instead of a stack trace from deep inside a write.
import { dirname } from 'node:path';

import { statfsSync } from 'node:fs';
import { describeError } from '../errors.js';

const STORAGE_CODES = new Set(['ENOSPC', 'EFBIG', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM', 'EIO']);

/** A write to disk failed; `message` is the whole sentence for the operator. */
export class StorageFault extends Error {
  readonly exitCode = 1;
  constructor(message: string, readonly code: string | undefined, readonly path: string) {
    super(message);
  }
}

// The embedded PostgreSQL (WASM) throws Emscripten's `ErrnoError { errno }` with WASI numbers.
const WASI_ERRNO: Record<number, string> = { 2: 'EACCES', 20: 'EEXIST', 22: 'EFBIG', 29: 'EIO', 44: 'ENOENT', 51: 'ENOSPC', 63: 'EPERM', 69: 'EROFS' };

/** The errno code of a Node error or an Emscripten ErrnoError, if it has one. */
export function errnoCode(error: unknown): string | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const e = error as { code?: unknown; errno?: unknown; name?: unknown };
  if (typeof e.code === 'string') return e.code;
  if (e.name === 'ErrnoError' && typeof e.errno === 'number') return WASI_ERRNO[e.errno] ?? `errno ${e.errno}`;
  return undefined;
}

export function isStorageError(error: unknown): boolean {
  const code = errnoCode(error);
  return typeof code === 'string' && STORAGE_CODES.has(code);
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** Free space for this user on the file system holding `path`, as words; undefined when unknown. */
export function spaceLeft(path: string): string | undefined {
  // A folder that was never made (or was just removed) is on the disk of its nearest existing parent.
  for (let dir = path; ; dir = dirname(dir)) {
    try {
      const stats = statfsSync(dir);
      return `${formatBytes(Number(stats.bavail) * Number(stats.bsize))} left on that disk`;
    } catch {
      if (dirname(dir) === dir) return undefined;
    }
  }
}

function cause(error: NodeJS.ErrnoException, code: string, path: string): string {
  const left = spaceLeft(path);
  switch (code) {
    case 'ENOSPC':
      return `the disk is full${left ? ` (${left})` : ''}`;
    case 'EDQUOT':
      return `the disk quota is used up${left ? ` (${left})` : ''}`;
    case 'EFBIG':
      return `the file-size limit was reached (ulimit -f)${left ? `; ${left}` : ''}`;
    case 'EROFS':
      return 'the file system is read-only';
    case 'EACCES':
    case 'EPERM':
      return 'the folder is not writable (read-only or owned by someone else)';
    case 'EIO':
      return 'the disk reported an input/output error';
    default:
      return error.message || `the write failed (${code})`;
  }
}

/**
 * The sentence for a failed write: `could not <what> in <where>: <cause>[; <then>]`. `then` says what
 * was done about it (the action stopped, the partial file removed).
 */
export function storageFault(error: unknown, what: string, where: string, then?: string): StorageFault {
  const code = errnoCode(error);
  const reason = code ? cause(error as NodeJS.ErrnoException, code, where) : describeError(error);
  return new StorageFault(`Could not ${what} in ${where}: ${reason}${then ? `; ${then}` : ''}.`, code, where);
}
