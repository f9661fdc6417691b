// "The runbook changed since your last session": the SHA-256 the last session on this file recorded,
// and, when the bytes differ and a copy of that version was kept, the model diff of the two.

import { basename, resolve } from 'node:path';
import { decodeRunbookBytes } from '../runbook/load.js';
import { diffRunbooks, describeDiff, type RunbookDiff } from '../runbook/diff.js';
import { parseRunbook } from '../runbook/parse.js';
import type { Runbook } from '../runbook/model.js';
import { sha256Hex } from './chain.js';
import { listSessions } from './catalog.js';
import { sessionsDir } from './paths.js';
import { readRunbookCopy } from './runbookCopies.js';

export interface RunbookChanges {
  previousSha256: string;
  /** When the last session's copy is still kept; without it only the fact of a change is known. */
  diff?: RunbookDiff;
  /** What to show before starting, one line each. */
  lines: string[];
}

/** What changed in `file` since the newest session that ran it; undefined when nothing did (or none ran it). */
export function changesSinceLastSession(file: string, bytes: Buffer, runbook: Runbook, options: { root?: string; env?: NodeJS.ProcessEnv } = {}): RunbookChanges | undefined {
  const path = resolve(file);
  const last = listSessions(options.root ?? sessionsDir(options.env)).find((s) => s.runbook === path && s.runbookSha256);
  const previousSha256 = last?.runbookSha256;
  if (!previousSha256 || previousSha256 === sha256Hex(bytes)) return undefined;
  const copy = readRunbookCopy(previousSha256, options.root ? { sessionRoot: options.root } : (options.env ?? process.env));
  const head = `The runbook changed since your last session on it (${last.id}):`;
  if (!copy) return { previousSha256, lines: [head, '  (no copy of that version was kept: the changes cannot be shown)'] };
  let before: Runbook;
  try {
    before = parseRunbook(decodeRunbookBytes(copy, path), { fileName: basename(path) });
  } catch {
    return { previousSha256, lines: [head, '  (the earlier version could not be read: the changes cannot be shown)'] };
  }
  const diff = diffRunbooks(before, runbook);
  const described = describeDiff(diff);
  return { previousSha256, diff, lines: [head, ...(described.length ? described.map((l) => `  ${l}`) : ['  (only its wording outside steps changed)'])] };
}
