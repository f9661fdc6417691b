// Parsed models cached by content: a runbook is parsed once, then read back as JSON, so that opening it
// again loads neither the Markdown parser nor the classifier (a measurable part of the first frame).
// The key is the SHA-256 of the exact bytes and of the parser's own source, so a changed file or a
// changed parser never hits.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
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

/**
 * The models of one folder's runbooks kept together in one file (a line per model: key, tab, JSON), so
 * a folder of 3,000 small runbooks costs one read and one write instead of 3,000 of each; writing 3,000
 * small files took as long as parsing them. Entries are keyed like single models, so a changed file or
 * parser simply misses; the file is rewritten (whole, then renamed) only when something changed, and
 * then holds exactly the folder's current runbooks. A line that does not parse is a miss.
 */
export class FolderCache {
  private readonly known = new Map<string, string>();
  private readonly kept = new Map<string, string>();
  private changed = false;

  private constructor(private readonly path: string | undefined, private readonly env: NodeJS.ProcessEnv, private readonly parserId: string | undefined) {}

  static open(folder: string, env: NodeJS.ProcessEnv = process.env, parserId = PARSER_ID): FolderCache {
    if (!parserId || env.RUNBOOK_NO_CACHE) return new FolderCache(undefined, env, parserId);
    const path = join(cacheDir(env), 'folders', `${createHash('sha256').update(resolve(folder)).digest('hex')}.tsv`);
    const cache = new FolderCache(path, env, parserId);
    if (!existsSync(path)) return cache;
    try {
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        const tab = line.indexOf('\t');
        if (tab === 64) cache.known.set(line.slice(0, 64), line.slice(65));
      }
    } catch {
      // Unreadable: every runbook misses and the file is written again.
    }
    return cache;
  }

  get(bytes: Buffer, fileName: string): Runbook | undefined {
    if (!this.path) return undefined;
    const key = keyOf(bytes, fileName, this.parserId!);
    const text = this.known.get(key);
    if (text !== undefined) {
      try {
        const model = JSON.parse(text) as Runbook;
        this.kept.set(key, text);
        return model;
      } catch {
        // A damaged line: parsed again, and replaced.
      }
    }
    // Opened on its own before (the navigator keeps single models): taken into the folder's file.
    const single = readCachedModel(bytes, fileName, this.env, this.parserId);
    if (single) {
      this.kept.set(key, JSON.stringify(single));
      this.changed = true;
    }
    return single;
  }

  put(bytes: Buffer, fileName: string, model: Runbook): void {
    if (!this.path) return;
    this.kept.set(keyOf(bytes, fileName, this.parserId!), JSON.stringify(model));
    this.changed = true;
  }

  /** Writes the folder's file when anything changed (a full disk or a read-only home only costs speed). */
  async save(): Promise<void> {
    if (!this.path || (!this.changed && this.kept.size === this.known.size)) return;
    const tmp = `${this.path}.${process.pid}.tmp`;
    try {
      mkdirSync(join(this.path, '..'), { recursive: true });
      let text = '';
      for (const [key, json] of this.kept) text += `${key}\t${json}\n`;
      await writeFile(tmp, text);
      await rename(tmp, this.path);
    } catch {
      await rm(tmp, { force: true }).catch(() => undefined);
    }
  }
}
