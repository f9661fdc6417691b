// Parsed models cached by content: a runbook is parsed once, then read back as JSON, so that opening it
// again loads neither the Markdown parser nor the classifier (a measurable part of the first frame).
// The key is the SHA-256 of the exact bytes and of the parser's own source, so a changed file or a
// changed parser never hits.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Runbook } from './model.js';

declare const __PARSER_ID__: string | undefined;

/** The build's hash of src/runbook/; unbundled code (tests) has none and does not cache. */
export const PARSER_ID: string | undefined = typeof __PARSER_ID__ === 'string' ? __PARSER_ID__ : undefined;

function cacheDir(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'runbook', 'models');
}

function keyOf(bytes: Buffer, fileName: string, parserId: string): string {
  // The same digest as of the concatenation, without copying the file.
  return createHash('sha256').update(`${parserId}\0${fileName}\0`).update(bytes).digest('hex');
}

export async function cachedModel(bytes: Buffer, fileName: string, parse: () => Runbook | Promise<Runbook>, env: NodeJS.ProcessEnv = process.env, parserId = PARSER_ID): Promise<Runbook> {
  const cached = readCachedModel(bytes, fileName, env, parserId);
  if (cached) return cached;
  const model = await parse();
  writeCachedModel(bytes, fileName, model, env, parserId);
  return model;
}

/** The model parsed before from exactly these bytes, if the cache has it. */
export function readCachedModel(bytes: Buffer, fileName: string, env: NodeJS.ProcessEnv = process.env, parserId = PARSER_ID): Runbook | undefined {
  if (!parserId || env.RUNBOOK_NO_CACHE) return undefined;
  const path = join(cacheDir(env), `${keyOf(bytes, fileName, parserId)}.json`);
  // A miss is asked without an exception: a thrown ENOENT costs ten times the question (a cold folder of 3,000 pays it 3,000 times).
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Runbook;
  } catch {
    // Not cached yet, or unreadable: the caller parses.
    return undefined;
  }
}

const madeDirs = new Set<string>();

/** Keep a parsed model for next time, when the cache can be written. */
export function writeCachedModel(bytes: Buffer, fileName: string, model: Runbook, env: NodeJS.ProcessEnv = process.env, parserId = PARSER_ID): void {
  if (!parserId || env.RUNBOOK_NO_CACHE) return;
  const path = join(cacheDir(env), `${keyOf(bytes, fileName, parserId)}.json`);
  const tmp = `${path}.${process.pid}.tmp`;
  const dir = cacheDir(env);
  try {
    if (!madeDirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      madeDirs.add(dir);
    }
    writeFileSync(tmp, JSON.stringify(model));
    renameSync(tmp, path);
  } catch {
    // A read-only home or a full disk only costs speed; a half-written temporary is not left behind, and
    // a cache folder removed meanwhile is made again next time.
    madeDirs.delete(dir);
    try {
      rmSync(tmp, { force: true });
    } catch {
      // The cache folder itself cannot be read: there is nothing of ours in it.
    }
  }
}

/**
 * Keeps models for next time in the background, a few writes in flight: a folder's first parse then
 * overlaps the disk's work instead of waiting for it (3,000 small files take as long to write as to
 * parse). `write` waits only when that many are already in flight; `flush` waits for the last.
 */
export function backgroundCacheWriter(env: NodeJS.ProcessEnv = process.env, parserId = PARSER_ID, inFlight = 4) {
  const pending = new Set<Promise<void>>();
  let serial = 0;
  return {
    async write(bytes: Buffer, fileName: string, model: Runbook): Promise<void> {
      if (!parserId || env.RUNBOOK_NO_CACHE) return;
      while (pending.size >= inFlight) await Promise.race(pending);
      const dir = cacheDir(env);
      const path = join(dir, `${keyOf(bytes, fileName, parserId)}.json`);
      const tmp = `${path}.${process.pid}.${serial++}.tmp`;
      const text = JSON.stringify(model);
      const done: Promise<void> = (async () => {
        try {
          if (!madeDirs.has(dir)) {
            mkdirSync(dir, { recursive: true });
            madeDirs.add(dir);
          }
          await writeFile(tmp, text);
          await rename(tmp, path);
        } catch {
          madeDirs.delete(dir);
          await rm(tmp, { force: true }).catch(() => undefined);
        }
      })().finally(() => pending.delete(done));
      pending.add(done);
    },
    flush: async (): Promise<void> => {
      await Promise.all(pending);
    },
  };
}
