// Opening an exported archive from someone else: nothing outside a fresh temporary folder, no links of
// any kind, only the files the layout names, and bounded sizes. It is read twice: once to check every
// entry without writing anything, then to extract with the same checks applied again.

import { existsSync, mkdtempSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extract, list, type ReadEntry } from 'tar';
import { UsageError } from '../errors.js';
import { LOG_FILE } from '../session/log.js';
import { allowedEntry } from './layout.js';

export interface UnpackLimits {
  /** Bytes of all files together, uncompressed. */
  totalBytes: number;
  entries: number;
}

export const DEFAULT_LIMITS: UnpackLimits = { totalBytes: 4 * 1024 ** 3, entries: 200_000 };

export interface Unpacked {
  /** The session folder inside the temporary folder. */
  dir: string;
  /** Remove everything that was extracted. */
  cleanup: () => void;
}

/** The first reason an entry may not be extracted, or undefined when it may. */
function refusal(entry: ReadEntry, seen: Set<string>, top: { name?: string }): string | undefined {
  const path = entry.path;
  const type = entry.type === 'Directory' ? 'directory' : entry.type === 'File' || entry.type === 'OldFile' ? 'file' : undefined;
  if (!type) return `it holds ${path} of type ${entry.type}; only plain files and folders are accepted`;
  if (path.startsWith('/') || path.split('/').includes('..') || path.includes('\\') || path.includes('\0')) return `it holds a path outside its folder (${JSON.stringify(path)})`;
  if (!allowedEntry(path, type)) return `it holds ${JSON.stringify(path)}, which is not part of an exported session`;
  const name = path.split('/')[0]!;
  if (top.name !== undefined && top.name !== name) return `it holds more than one session folder (${top.name}, ${name})`;
  top.name = name;
  const key = path.replace(/\/$/, '');
  if (type === 'file' && seen.has(key)) return `it holds ${path} twice`;
  seen.add(key);
  return undefined;
}

async function check(file: string, limits: UnpackLimits): Promise<void> {
  const seen = new Set<string>();
  const top: { name?: string } = {};
  let problem: string | undefined;
  let total = 0;
  let entries = 0;
  try {
    await list({
      file,
      strict: true,
      // Deflate cannot exceed about 1032:1, and a session's output can come close (50 MB of one repeated
      // line); the bound on what is unpacked is the header sizes checked against the limits here.
      maxDecompressionRatio: Infinity,
      onReadEntry: (entry) => {
        entries++;
        total += entry.size ?? 0;
        problem ??= refusal(entry, seen, top);
        if (!problem && entries > limits.entries) problem = `it holds more than ${limits.entries} entries`;
        if (!problem && total > limits.totalBytes) problem = `it unpacks to more than ${limits.totalBytes} bytes`;
        entry.resume();
      },
    });
  } catch (error) {
    throw new UsageError(`${file} is not a readable .tar.gz archive (${(error as Error).message}).`);
  }
  if (problem) throw new UsageError(`Refusing to unpack ${file}: ${problem}.`);
  if (!top.name) throw new UsageError(`${file} is empty: it holds no session.`);
}

/** Unpack an exported session archive into a new temporary folder. */
export async function unpackArchive(file: string, limits: UnpackLimits = DEFAULT_LIMITS): Promise<Unpacked> {
  if (!existsSync(file) || !statSync(file).isFile()) throw new UsageError(`No archive at ${file}.`);
  await check(file, limits);
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'runbook-archive-')));
  const cleanup = () => rmSync(root, { recursive: true, force: true });
  try {
    const seen = new Set<string>();
    const top: { name?: string } = {};
    let total = 0;
    let problem: string | undefined;
    await extract({
      file,
      cwd: root,
      strict: true,
      maxDecompressionRatio: Infinity,
      preserveOwner: false,
      // The archive decides nothing about modes or times of what lands here.
      noChmod: true,
      noMtime: true,
      filter: (_path, entry) => {
        const e = entry as ReadEntry;
        total += e.size ?? 0;
        problem ??= refusal(e, seen, top) ?? (total > limits.totalBytes ? `it unpacks to more than ${limits.totalBytes} bytes` : undefined);
        return !problem;
      },
    });
    // The file may have changed between the two reads: the second one is what counts.
    if (problem) throw new UsageError(`Refusing to unpack ${file}: ${problem}.`);
    const names = readdirSync(root);
    if (names.length !== 1) throw new UsageError(`${file} does not hold exactly one session folder.`);
    if (!existsSync(join(root, names[0]!, LOG_FILE))) throw new UsageError(`${file} holds no ${LOG_FILE}: it is not an exported session.`);
    return { dir: join(root, names[0]!), cleanup };
  } catch (error) {
    cleanup();
    if (error instanceof UsageError) throw error;
    throw new UsageError(`Cannot unpack ${file}: ${(error as Error).message}.`);
  }
}
