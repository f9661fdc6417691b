// Loading a folder of runbooks. Files are read synchronously (see readRunbookBytesSync), a batch at a
// time: a batch holds the event loop for a few milliseconds at most, so keys and output keep flowing
// between batches, and nothing is held beyond the batch being handed over. Every file costs the same
// whatever the folder's size, so time grows linearly with the number of files. The Markdown parser
// loads on the first file the cache does not know, never before.

import { basename } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { UsageError } from '../errors.js';
import { backgroundCacheWriter, FolderCache, readCachedModel } from './cache.js';
import { decodeRunbookBytes, parseRunbookText, readRunbookBytesSync, type LoadedRunbook } from './load.js';
import type { Runbook } from './model.js';
import { allSections, flattenSteps } from './walk.js';

export type LoadOutcome = { file: string; loaded: LoadedRunbook } | { file: string; problem: string };

/** What the picker shows of a runbook: its title and size, or why it cannot be opened. */
export type RunbookSummary = { file: string; title: string; sections: number; steps: number } | { file: string; problem: string };

export interface BatchOptions {
  /** How long one batch may hold the event loop. */
  budgetMs?: number;
  /** Awaited between batches (by default one turn of the event loop); the picker pauses here while it is not on screen. */
  between?: () => Promise<void>;
  /** Which parse cache to use (tests); by default the user's, keyed by this build's parser. */
  cache?: { env: NodeJS.ProcessEnv; parserId?: string };
  /** The folder the files were found in: its models are then cached together, in one file. */
  folder?: string;
}

/** Where parsed models are looked up and kept during one load. */
interface Models {
  get(bytes: Buffer, fileName: string): Runbook | undefined;
  put(bytes: Buffer, fileName: string, model: Runbook): Promise<void>;
  /** Everything kept is written. */
  done(): Promise<void>;
}

function modelsFor(options: BatchOptions): Models {
  const { env, parserId } = options.cache ?? {};
  if (options.folder) {
    const folder = FolderCache.open(options.folder, env, parserId);
    return { get: (bytes, name) => folder.get(bytes, name), put: async (bytes, name, model) => folder.put(bytes, name, model), done: () => folder.save() };
  }
  const writer = backgroundCacheWriter(env, parserId);
  return { get: (bytes, name) => readCachedModel(bytes, name, env, parserId), put: (bytes, name, model) => writer.write(bytes, name, model), done: () => writer.flush() };
}

/** Every file loaded in the folder's order, handed to `onBatch` a batch at a time. */
export async function loadRunbooksInBatches(files: string[], onBatch: (outcomes: LoadOutcome[]) => void | Promise<void>, options: BatchOptions = {}): Promise<void> {
  const parser = lazyParser();
  const models = modelsFor(options);
  await inBatches(files, async (file) => outcomeOf(file, async () => ({ file, loaded: await loadOne(file, parser, models) })), onBatch, options);
  await models.done();
}

/** Every file loaded, in the folder's order. */
export async function loadRunbooks(files: string[]): Promise<LoadOutcome[]> {
  const all: LoadOutcome[] = [];
  await loadRunbooksInBatches(files, (outcomes) => void all.push(...outcomes));
  return all;
}

/**
 * Summaries of every file, cache first: the files the parse cache knows are described before any file
 * is parsed, so a folder opened before fills in at once even when a few of its files changed.
 */
export async function summarizeRunbooks(files: string[], onBatch: (summaries: RunbookSummary[]) => void, options: BatchOptions = {}): Promise<void> {
  const misses: string[] = [];
  const models = modelsFor(options);
  await inBatches(
    files,
    (file) =>
      outcomeOf(file, () => {
        const bytes = readRunbookBytesSync(file);
        const cached = models.get(bytes, basename(file));
        if (cached) return summaryOf(file, cached);
        misses.push(file);
        return undefined;
      }),
    onBatch,
    options,
  );
  const parser = lazyParser();
  await inBatches(misses, async (file) => outcomeOf(file, async () => summaryOf(file, (await loadOne(file, parser, models)).runbook)), onBatch, options);
  await models.done();
}

function summaryOf(file: string, runbook: Runbook): RunbookSummary {
  const sections = allSections(runbook);
  const steps = sections.reduce((sum, section) => sum + flattenSteps(section.steps).length, 0);
  return { file, title: runbook.title, sections: sections.length, steps };
}

/** One file's result, or the one sentence that says why it cannot be read; a parser failure is not a crash of the whole folder. */
async function outcomeOf<T>(file: string, work: () => T | Promise<T>): Promise<T | { file: string; problem: string }> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof UsageError) return { file, problem: error.message };
    return { file, problem: `${file} could not be read as a runbook (${error instanceof Error ? error.message : String(error)}).` };
  }
}

type Parser = () => Promise<typeof import('./parse.js')>;

function lazyParser(): Parser {
  let loading: Promise<typeof import('./parse.js')> | undefined;
  return () => (loading ??= import('./parse.js'));
}

async function loadOne(file: string, parser: Parser, models: Models): Promise<LoadedRunbook> {
  const bytes = readRunbookBytesSync(file);
  const cached = models.get(bytes, basename(file));
  if (cached) return { file, runbook: cached, bytes };
  const text = decodeRunbookBytes(bytes, file);
  const runbook = parseRunbookText(await parser(), text, file);
  await models.put(bytes, basename(file), runbook);
  return { file, runbook, bytes };
}

async function inBatches<T, R>(items: T[], work: (item: T) => R | undefined | Promise<R | undefined>, onBatch: (results: R[]) => void | Promise<void>, { budgetMs = 8, between = () => nextTurn() }: BatchOptions): Promise<void> {
  let index = 0;
  while (index < items.length) {
    if (index > 0) await between();
    const started = performance.now();
    const results: R[] = [];
    do {
      const result = await work(items[index++]!);
      if (result !== undefined) results.push(result);
    } while (index < items.length && performance.now() - started < budgetMs);
    if (results.length) await onBatch(results);
  }
}
