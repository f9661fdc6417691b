// `runbook [FILE|DIR]` and `runbook resume [ID]`: the interactive navigator.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { resolveEnvironment } from '../exec/environment.js';
import { sha256Hex } from '../session/chain.js';
import { findRunbookFiles, isDirectory, loadRunbook } from '../runbook/load.js';
import { allSections } from '../runbook/walk.js';
import { listSessions, resolveSession } from '../session/catalog.js';
import { LOG_FILE } from '../session/log.js';
import { purposeFrom } from '../session/purpose.js';
import type { RunbookEntry } from '../state/store.js';

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
  const files = await findRunbookFiles(target);
  const sessions = listSessions();
  const entries: RunbookEntry[] = [];
  for (const file of files) {
    try {
      const { runbook } = await loadRunbook(file);
      const last = sessions.find((s) => s.runbook && s.runbook.endsWith(file.replace(/^\.\//, '')));
      entries.push({ file, title: runbook.title, sections: allSections(runbook).length, ...(last?.start ? { lastSession: last.start } : {}) });
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
    }
  }
  if (entries.length === 1) {
    await runTui({ ...common, loaded: await loadRunbook(entries[0]!.file) });
    return;
  }
  await runTui({ ...common, entries, loadRunbook });
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
