// `runbook [FILE|DIR]` and `runbook resume [ID]`: the interactive navigator.

import { existsSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { UsageError } from '../errors.js';
import { resolveEnvironment } from '../exec/environment.js';
import { sha256Hex } from '../session/chain.js';
import { findRunbookFiles, isDirectory, loadRunbook, type LoadedRunbook } from '../runbook/load.js';
import { loadRunbooks, summarizeRunbooks } from '../runbook/loadMany.js';
import { listSessions, resolveSession, type SessionSummary } from '../session/catalog.js';
import { LOG_FILE } from '../session/log.js';
import { purposeFrom } from '../session/purpose.js';
import type { EntryPatch, RunbookEntry } from '../state/store.js';

export interface OpenOptions {
  env?: string;
  incident?: string;
  severity?: string;
  title?: string;
  drill?: boolean;
  key?: string;
}

export async function openCommand(target: string, options: OpenOptions = {}): Promise<void> {
  const { assertTerminal, runTui } = await import('../tui.js');
  assertTerminal();
  if (!existsSync(target)) {
    throw new UsageError(target === './runbook/' ? 'No runbook folder here (./runbook/); give a file or a folder: runbook path/to/runbook.md.' : `No such file or directory: ${target}.`);
  }
  const env = resolveEnvironment(options.env ? { name: options.env } : {});
  const purpose = purposeFrom(options);
  const common = { env, ...(purpose ? { purpose } : {}), ...(options.key ? { signer: { keyPath: options.key } } : {}) };
  if (!(await isDirectory(target))) {
    await runTui({ ...common, loaded: await loadRunbook(target) });
    return;
  }
  // Readability is not asked file by file before the first frame: a file that cannot be read says so in its row.
  const files = await findRunbookFiles(target, undefined, { readableOnly: false });
  if (files.length === 1) {
    await runTui({ ...common, loaded: await loadRunbook(files[0]!) });
    return;
  }
  // The first frame lists the files by name; titles, counts and problems fill in after it.
  const inside = join(target, '/');
  const label = (file: string) => (file.startsWith(inside) ? file.slice(inside.length) : relative(target, file));
  const entries: RunbookEntry[] = files.map((file) => ({ file, label: label(file), title: basename(file).replace(/\.[^.]+$/, '') }));
  await runTui({ ...common, entries, loadRunbook: loadChosen, describeEntries: (apply, between) => describeFolder(target, files, apply, between) });
}

/** The runbook chosen in the picker, read at once: it does not wait behind the folder still being read. */
async function loadChosen(file: string): Promise<LoadedRunbook> {
  const [outcome] = await loadRunbooks([file]);
  if (outcome && 'loaded' in outcome) return outcome.loaded;
  throw new UsageError(outcome?.problem ?? `Cannot read ${file}.`);
}

/** Each runbook's last session, then its title and counts (cache first), a batch at a time. */
async function describeFolder(folder: string, files: string[], apply: (patches: EntryPatch[]) => void, between: () => Promise<void>): Promise<void> {
  const last = lastSessions(files);
  if (last.length) apply(last);
  await between();
  await summarizeRunbooks(files, (summaries) => apply(summaries.map((s) => ('problem' in s ? { file: s.file, problem: oneLine(s.problem) } : s))), { between, folder });
}

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ');

/** The newest session on each file (sessions name their runbook by the path they were opened with). */
function lastSessions(files: string[]): EntryPatch[] {
  const byName = new Map<string, SessionSummary[]>();
  // Newest first, so the first match is the last session.
  for (const session of listSessions()) {
    if (!session.runbook || !session.start) continue;
    const name = basename(session.runbook);
    const same = byName.get(name);
    if (same) same.push(session);
    else byName.set(name, [session]);
  }
  const patches: EntryPatch[] = [];
  for (const file of files) {
    const path = file.replace(/^\.\//, '');
    const found = byName.get(basename(file))?.find((s) => s.runbook!.endsWith(path));
    if (found) patches.push({ file, lastSession: found.start! });
  }
  return patches;
}

export async function resumeCommand(ref: string | undefined, options: OpenOptions = {}): Promise<void> {
  const { assertTerminal, runTui } = await import('../tui.js');
  assertTerminal();
  let dir: string;
  if (ref) dir = resolveSession(ref);
  else {
    const open = listSessions().find((s) => s.status !== 'sealed');
    if (!open) throw new UsageError('There is no unsealed session to resume (runbook sessions lists them).');
    dir = open.path;
  }
  const started = readStarted(dir);
  const path = started?.runbook?.path;
  if (!path || !existsSync(path)) throw new UsageError(`The runbook of this session (${path ?? 'unknown'}) is gone; restore it to resume.`);
  const loaded = await loadRunbook(path);
  const { SessionController } = await import('../session/controller.js');
  const controller = SessionController.resume(dir, { loaded, ...(options.env ? { envName: options.env } : {}), ...(options.key ? { signer: { keyPath: options.key } } : {}) });
  try {
    if (started?.runbook?.sha256 && sha256Hex(loaded.bytes) !== started.runbook.sha256) {
      controller.session!.note({}, 'The runbook file changed since the session started (its SHA-256 differs).', { automatic: true });
    }
    await runTui({ controller, loaded });
  } catch (error) {
    controller.leave('resume failed');
    throw error;
  }
}

/** The first event of a session's log, read before the session is reopened. */
function readStarted(dir: string): { runbook?: { path?: string; sha256?: string } } | undefined {
  try {
    const first = readFileSync(join(dir, LOG_FILE), 'utf8').split('\n', 1)[0];
    return first ? (JSON.parse(first) as { runbook?: { path?: string; sha256?: string } }) : undefined;
  } catch {
    return undefined;
  }
}
