// `runbook [FILE|DIR]` and `runbook resume [ID]`: the interactive navigator.

import { existsSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { findConfig, readConfig, resolveEnvironment } from '../exec/environment.js';
import { sha256Hex } from '../session/chain.js';
import { findRunbookFiles, isDirectory, loadRunbook } from '../runbook/load.js';
import { allSections } from '../runbook/walk.js';
import { listSessions, resolveSession } from '../session/catalog.js';
import { Session, type Purpose } from '../session/session.js';
import type { RunbookEntry } from '../state/store.js';

export interface OpenOptions {
  env?: string;
  incident?: string;
  severity?: string;
  title?: string;
  drill?: boolean;
  key?: string;
}

function purposeFrom(options: OpenOptions): Purpose | undefined {
  if (options.incident) return { kind: 'incident', id: options.incident, ...(options.severity ? { severity: options.severity } : {}), ...(options.title ? { title: options.title } : {}) };
  if (options.drill) return { kind: 'drill', ...(options.title ? { title: options.title } : {}) };
  return undefined;
}

function environmentNames(): string[] {
  const config = findConfig(process.cwd());
  return config ? Object.keys(readConfig(config).environments ?? {}) : [];
}

export async function openCommand(target: string, options: OpenOptions = {}): Promise<void> {
  const { assertTerminal, runTui } = await import('../tui.js');
  assertTerminal();
  if (!existsSync(target)) {
    throw new UsageError(target === './runbook/' ? 'No runbook folder here (./runbook/); give a file or a folder: runbook path/to/runbook.md.' : `No such file or directory: ${target}.`);
  }
  const env = resolveEnvironment(options.env ? { name: options.env } : {});
  const common = { env, envNames: environmentNames(), ...(purposeFrom(options) ? { purpose: purposeFrom(options)! } : {}), ...(options.key ? { signer: { keyPath: options.key } } : env.signingKey ? { signer: { keyPath: env.signingKey } } : {}) };
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
  const { session, events } = Session.resume(dir);
  try {
    const started = events[0] as { runbook?: { path?: string; sha256?: string }; env?: string } | undefined;
    const path = started?.runbook?.path;
    if (!path || !existsSync(path)) throw new UsageError(`The runbook of this session (${path ?? 'unknown'}) is gone; restore it to resume.`);
    const loaded = await loadRunbook(path);
    const env = resolveEnvironment({ name: options.env ?? started?.env ?? 'local' });
    const changed = started?.runbook?.sha256 && sha256Hex(loaded.bytes) !== started.runbook.sha256;
    if (changed) session.record('note', { text: 'The runbook file changed since the session started (its SHA-256 differs).', automatic: true });
    await runTui({ env, envNames: environmentNames(), loaded, resume: { session, events }, ...(options.key ? { signer: { keyPath: options.key } } : {}) });
  } catch (error) {
    session.interrupt('resume failed');
    throw error;
  }
}
