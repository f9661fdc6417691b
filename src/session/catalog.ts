// The sessions on this machine: listing them and finding one by id, prefix or path.

import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { runbookCommand } from '../format/command.js';
import type { EventRecord } from './chain.js';
import { isLockHeld } from './lock.js';
import { LOG_FILE, SIG_FILE } from './log.js';
import { sessionsDir } from './paths.js';

export type SessionStatus = 'open' | 'interrupted' | 'sealed';

export interface SessionSummary {
  id: string;
  path: string;
  status: SessionStatus;
  runbook?: string;
  runbookTitle?: string;
  /** The SHA-256 of the runbook as the session started on it. */
  runbookSha256?: string;
  section?: string;
  env?: string;
  purpose?: unknown;
  start?: string;
  end?: string;
  events: number;
}

const EDGE = 64 * 1024;

function readRange(path: string, start: number, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(length);
    const n = readSync(fd, buf, 0, length, start);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

function parseLine(text: string | undefined): EventRecord | undefined {
  try {
    return text ? (JSON.parse(text) as EventRecord) : undefined;
  } catch {
    return undefined;
  }
}

/** First and last events, read from the ends of the file so a large log is not read whole. */
export function summarize(dir: string): SessionSummary | undefined {
  const path = join(dir, LOG_FILE);
  if (!existsSync(path)) return undefined;
  const size = statSync(path).size;
  const head = readRange(path, 0, Math.min(size, EDGE)).toString('utf8');
  const tailBytes = readRange(path, Math.max(0, size - EDGE), Math.min(size, EDGE)).toString('utf8');
  const first = parseLine(head.split('\n')[0]);
  const complete = tailBytes.slice(0, tailBytes.lastIndexOf('\n'));
  const last = parseLine(complete.split('\n').pop());
  const section = first?.section as { id?: string; title?: string } | undefined;
  const runbook = first?.runbook as { path?: string; title?: string; sha256?: string } | undefined;
  const sealed = last?.type === 'sealed' && existsSync(join(dir, SIG_FILE));
  const status: SessionStatus = sealed ? 'sealed' : isLockHeld(dir) ? 'open' : 'interrupted';
  return {
    id: dir.split(/[\\/]/).filter(Boolean).pop()!,
    path: dir,
    status,
    runbook: runbook?.path,
    runbookTitle: runbook?.title,
    runbookSha256: typeof runbook?.sha256 === 'string' ? runbook.sha256 : undefined,
    section: section?.title,
    env: typeof first?.env === 'string' ? first.env : undefined,
    purpose: first?.purpose,
    start: first?.ts,
    end: status === 'open' ? undefined : last?.ts,
    events: typeof last?.seq === 'number' ? last.seq + 1 : 0,
  };
}

/** Every session, newest first. */
export function listSessions(root: string = sessionsDir()): SessionSummary[] {
  if (!existsSync(root)) return [];
  const out: SessionSummary[] = [];
  for (const name of readdirSync(root)) {
    const summary = summarize(join(root, name));
    if (summary) out.push(summary);
  }
  return out.sort((a, b) => b.id.localeCompare(a.id));
}

/** A session folder from a path, an id, a unique id prefix, or `last`. */
export function resolveSession(ref: string, root: string = sessionsDir()): string {
  if (existsSync(join(ref, LOG_FILE))) return resolve(ref);
  if (ref.endsWith(LOG_FILE) && existsSync(ref)) return resolve(ref, '..');
  const all = listSessions(root);
  if (ref === 'last' || ref === 'latest') {
    if (!all.length) throw new UsageError(`There are no sessions yet in ${root}.`);
    return all[0]!.path;
  }
  const exact = all.find((s) => s.id === ref);
  if (exact) return exact.path;
  const matches = all.filter((s) => s.id.startsWith(ref) || s.id.includes(ref));
  if (matches.length === 1) return matches[0]!.path;
  if (matches.length > 1) throw new UsageError(`"${ref}" matches ${matches.length} sessions (${matches.slice(0, 3).map((s) => s.id).join(', ')}…); give more of the id.`);
  throw new UsageError(`No session "${ref}" in ${root} (${runbookCommand('sessions')} lists them).`);
}
