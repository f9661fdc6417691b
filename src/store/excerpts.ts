// Evidence excerpts for the team store: what a second responder reads of an action's output without
// the first responder's laptop. Cut from the evidence file on disk (already redacted when it was
// written), redacted once more as text, and sent beside the event with the SHA-256 of the whole file;
// the whole file too when it is within the limit.
//
// Sizes (README, "Team store"): a command's output or an attached file gives its first 20 and last 20
// lines; a query's result its columns and first 20 rows. Lines and fields are cut at 400 characters,
// and only the first and last 64 KiB of a file are read, so a huge file or a huge line costs no more.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import type { EventRecord } from '../session/chain.js';
import { evidencePath, type EvidenceRef } from '../session/evidence.js';

export const EXCERPT_LINES = 20;
export const EXCERPT_ROWS = 20;
export const EXCERPT_LINE_CHARS = 400;
const WINDOW = 64 * 1024;
/** Whole evidence files up to this size go to the store with their excerpt (RUNBOOK_STORE_EVIDENCE_LIMIT). */
export const DEFAULT_FULL_LIMIT = 4 * 1024 * 1024;

export type ExcerptKind = 'output' | 'rows' | 'file';

export interface LinesExcerpt {
  head: string[];
  tail: string[];
  /** Lines in the whole file, when it was read whole; otherwise absent. */
  lines?: number;
  /** Lines between head and tail that the excerpt leaves out (or that there may be, when unknown). */
  omitted: boolean;
}

export interface RowsExcerpt {
  columns: string[];
  rows: string[][];
  /** More rows than these exist in the evidence. */
  more: boolean;
}

export interface Excerpt {
  seq: number;
  kind: ExcerptKind;
  sha256: string;
  size: number;
  excerpt: LinesExcerpt | RowsExcerpt;
  /** The whole evidence file, when within the limit and it still hashes to its event's SHA-256. */
  content?: Buffer;
}

/** The per-file limit for whole evidence files in the store: RUNBOOK_STORE_EVIDENCE_LIMIT bytes (0: excerpts only). */
export function fullEvidenceLimit(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.RUNBOOK_STORE_EVIDENCE_LIMIT;
  if (raw === undefined || raw.trim() === '') return DEFAULT_FULL_LIMIT;
  const match = /^\s*(\d+)\s*([kKmM]?)i?[bB]?\s*$/.exec(raw);
  if (!match) return DEFAULT_FULL_LIMIT;
  const unit = match[2]!.toLowerCase() === 'm' ? 1024 * 1024 : match[2]!.toLowerCase() === 'k' ? 1024 : 1;
  return Number(match[1]) * unit;
}

const cut = (line: string): string => (line.length > EXCERPT_LINE_CHARS ? `${line.slice(0, EXCERPT_LINE_CHARS)}…` : line);

function readWindow(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let read = 0;
  while (read < length) {
    const n = readSync(fd, buf, read, length - read, position + read);
    if (!n) break;
    read += n;
  }
  return buf.subarray(0, read);
}

function linesExcerpt(head: Buffer, tail: Buffer | undefined, redact: (text: string) => string): LinesExcerpt {
  const text = (b: Buffer) => redact(b.toString('utf8'));
  const split = (t: string) => t.split('\n');
  if (!tail) {
    const all = split(text(head));
    if (all[all.length - 1] === '') all.pop();
    if (all.length <= EXCERPT_LINES * 2) return { head: all.map(cut), tail: [], lines: all.length, omitted: false };
    return { head: all.slice(0, EXCERPT_LINES).map(cut), tail: all.slice(-EXCERPT_LINES).map(cut), lines: all.length, omitted: true };
  }
  const first = split(text(head));
  const last = split(text(tail));
  if (last[last.length - 1] === '') last.pop();
  // The head window's last line goes on past it (a huge line shows as its start, marked); the tail
  // window's first line is partial and left out.
  const partial = cut(first.pop() ?? '');
  const start = [...first.map(cut), partial.endsWith('…') ? partial : `${partial}…`].slice(0, EXCERPT_LINES);
  if (last.length > 1) last.shift();
  return { head: start, tail: last.slice(-EXCERPT_LINES).map(cut), omitted: true };
}

function rowsExcerpt(head: Buffer, whole: boolean, redact: (text: string) => string): RowsExcerpt {
  let text = redact(head.toString('utf8'));
  if (!whole) text = text.slice(0, Math.max(0, text.lastIndexOf('\n') + 1));
  // A cut inside a quoted field leaves the last record open: drop lines until what is left parses.
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      const records = parse(text, { relax_column_count: true, skip_empty_lines: false }) as string[][];
      const [columns = [], ...rows] = records;
      return { columns: columns.map(cut), rows: rows.slice(0, EXCERPT_ROWS).map((r) => r.map(cut)), more: rows.length > EXCERPT_ROWS || !whole };
    } catch {
      const at = text.lastIndexOf('\n', text.length - 2);
      if (at < 0) break;
      text = text.slice(0, at + 1);
    }
  }
  return { columns: [], rows: [], more: true };
}

/** The excerpt of an event's evidence, or undefined when the event names none or its file is gone. */
export function excerptOf(sessionDir: string, record: EventRecord, options: { redact: (text: string) => string; fullLimit: number }): Excerpt | undefined {
  if (record.type !== 'action.output' && record.type !== 'attachment') return undefined;
  const evidence = record.evidence as EvidenceRef | undefined;
  if (!evidence || typeof evidence.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(evidence.sha256) || typeof evidence.size !== 'number') return undefined;
  const kind: ExcerptKind = record.type === 'attachment' ? 'file' : Array.isArray(record.columns) ? 'rows' : 'output';
  let fd: number;
  try {
    fd = openSync(evidencePath(sessionDir, evidence.sha256), 'r');
  } catch {
    return undefined;
  }
  try {
    const size = fstatSync(fd).size;
    // Only a file that still is the evidence its event names is excerpted: its size always, its
    // SHA-256 whenever the file is read whole anyway (within the limit, or small).
    if (size !== evidence.size) return undefined;
    const wholeRead = size <= WINDOW * 2;
    let content: Buffer | undefined;
    if (size <= options.fullLimit || wholeRead) {
      const whole = readWindow(fd, 0, size);
      if (createHash('sha256').update(whole).digest('hex') !== evidence.sha256) return undefined;
      if (size <= options.fullLimit) content = whole;
    }
    const head = readWindow(fd, 0, Math.min(size, wholeRead ? size : WINDOW));
    const tail = wholeRead ? undefined : readWindow(fd, size - WINDOW, WINDOW);
    const excerpt = kind === 'rows' ? rowsExcerpt(head, wholeRead, options.redact) : linesExcerpt(head, tail, options.redact);
    return { seq: record.seq, kind, sha256: evidence.sha256, size: evidence.size, excerpt, ...(content ? { content } : {}) };
  } finally {
    closeSync(fd);
  }
}
