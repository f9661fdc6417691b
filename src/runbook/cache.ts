// Parsed models cached by content: a big runbook is parsed once, then read back as JSON. The key is
// the SHA-256 of the exact bytes and the tool version, so a changed file or a new parser never hits.

import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { sha256Hex } from '../session/chain.js';
import { VERSION } from '../version.js';
import type { Runbook } from './model.js';

/** Below this a parse is quicker than the cache's own reading and writing. */
export const CACHE_MIN_BYTES = 64 * 1024;

function cacheDir(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'runbook', 'models');
}

function keyOf(bytes: Buffer, fileName: string): string {
  return sha256Hex(Buffer.concat([Buffer.from(`${VERSION}\0${fileName}\0`), bytes]));
}

export function cachedModel(bytes: Buffer, fileName: string, parse: () => Runbook, env: NodeJS.ProcessEnv = process.env): Runbook {
  if (bytes.length < CACHE_MIN_BYTES || env.RUNBOOK_NO_CACHE) return parse();
  const path = join(cacheDir(env), `${keyOf(bytes, fileName)}.json`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Runbook;
  } catch {
    // Not cached yet, or unreadable: parse, and keep the result when the cache can be written.
  }
  const model = parse();
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(cacheDir(env), { recursive: true });
    writeFileSync(tmp, JSON.stringify(model));
    renameSync(tmp, path);
  } catch {
    // A read-only home or a full disk only costs speed; a half-written temporary is not left behind.
    rmSync(tmp, { force: true });
  }
  return model;
}
