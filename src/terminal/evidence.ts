// Reading back what a session recorded, for the screens: the last result of a step after a resume,
// the full output for the pager. Evidence files are read in bounded pieces.

import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { evidencePath, type EvidenceRef } from '../session/evidence.js';
import type { ActionRun } from '../session/view.js';

/** At most this much of an evidence file is read for a screen (the pager gets the same). */
export const EVIDENCE_READ_LIMIT = 4 * 1024 * 1024;

export function readEvidence(sessionDir: string, ref: EvidenceRef, limit = EVIDENCE_READ_LIMIT): { text: string; truncated: boolean } {
  const path = evidencePath(sessionDir, ref.sha256);
  const size = statSync(path).size;
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(Math.min(size, limit));
    let read = 0;
    while (read < buffer.length) {
      const n = readSync(fd, buffer, read, buffer.length - read, read);
      if (!n) break;
      read += n;
    }
    return { text: buffer.subarray(0, read).toString('utf8'), truncated: size > limit };
  } finally {
    closeSync(fd);
  }
}

export interface RecordedTable {
  columns: string[];
  rows: Array<Array<string | null>>;
  rowCount: number;
}

/** The table a query run left in its evidence (CSV, header first), or undefined. */
export function recordedTable(sessionDir: string, run: ActionRun, maxRows = 500): RecordedTable | undefined {
  const output = [...run.outputs].reverse().find((o) => o.columns?.length && o.evidence);
  if (!output?.evidence || !output.columns) return undefined;
  try {
    const { text } = readEvidence(sessionDir, output.evidence);
    const records = parseCsv(text, maxRows + 1);
    const body = records[0]?.join('\u0000') === output.columns.join('\u0000') ? records.slice(1) : records;
    return { columns: output.columns, rows: body.map((r) => output.columns!.map((_, i) => r[i] ?? null)), rowCount: output.rows ?? body.length };
  } catch {
    return undefined;
  }
}

/** Every evidence file a run wrote, in order. */
export function runEvidence(run: ActionRun): EvidenceRef[] {
  return run.outputs.flatMap((o) => (o.evidence ? [o.evidence] : []));
}

/**
 * The CSV a query's evidence holds (RFC 4180, as src/exec/sql.ts writes it): NULL is an empty unquoted
 * field, an empty string a quoted one. Small and synchronous, so the TUI loads no CSV library.
 */
export function parseCsv(text: string, maxRecords = Infinity): Array<Array<string | null>> {
  const records: Array<Array<string | null>> = [];
  let record: Array<string | null> = [];
  let i = 0;
  while (i < text.length && records.length < maxRecords) {
    let value: string | null;
    if (text[i] === '"') {
      let out = '';
      i++;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote < 0) {
          out += text.slice(i);
          i = text.length;
          break;
        }
        out += text.slice(i, quote);
        if (text[quote + 1] === '"') {
          out += '"';
          i = quote + 2;
        } else {
          i = quote + 1;
          break;
        }
      }
      value = out;
    } else {
      let end = i;
      while (end < text.length && text[end] !== ',' && text[end] !== '\n' && text[end] !== '\r') end++;
      value = end === i ? null : text.slice(i, end);
      i = end;
    }
    record.push(value);
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] === '\r') i++;
    if (text[i] === '\n') i++;
    records.push(record);
    record = [];
  }
  if (record.length && records.length < maxRecords) records.push(record);
  return records;
}
