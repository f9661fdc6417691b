// Writing files so that they survive a crash: data fsync'd, then the folder that names them.

import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { storageFault } from './fault.js';
import { dirname } from 'node:path';

/** fsync a folder so a file created or renamed in it survives a crash. */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function writeAll(fd: number, data: Buffer): void {
  let written = 0;
  while (written < data.length) written += writeSync(fd, data, written, data.length - written);
}

function writeSynced(path: string, flag: 'wx' | 'w', data: Buffer | string, mode: number): void {
  const fd = openSync(path, flag, mode);
  try {
    writeAll(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Write a new file (never replacing one) and fsync it. */
export function writeNewFileDurable(path: string, data: Buffer | string, mode = 0o600): void {
  writeSynced(path, 'wx', data, mode);
  fsyncDir(dirname(path));
}

/** Replace a file atomically: write a temporary beside it, fsync, rename over, fsync the folder. */
export function replaceFileDurable(path: string, data: Buffer | string, mode = 0o600): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeSynced(tmp, 'w', data, mode);
  renameSync(tmp, path);
  fsyncDir(dirname(path));
}

/**
 * Write a whole file or nothing (a report, a drill log): a temporary beside it, renamed over when complete.
 * A full disk or a read-only folder becomes one sentence, and no half-written file is left behind.
 */
export function writeWholeFile(path: string, data: Buffer | string, what: string, mode = 0o644): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeSynced(tmp, 'w', data, mode);
    renameSync(tmp, path);
  } catch (error) {
    try {
      unlinkSync(tmp);
    } catch {
      // never created
    }
    throw storageFault(error, what, dirname(path), `nothing was written to ${path}`);
  }
}
