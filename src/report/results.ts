// SQL results for the report: the CSV evidence file read with a real CSV parser (a value may hold
// newlines, commas and quotes), keeping only the first and last rows. A million-row result is not
// parsed whole: one fast pass over its bytes finds where records start (a newline outside quotes;
// an escaped quote "" toggles twice and changes nothing), then csv-parse reads the two ends.
// An empty unquoted field is NULL; a quoted empty field is the empty string.

import { closeSync, createReadStream, existsSync, openSync, readSync, statSync } from 'node:fs';
import { parse } from 'csv-parse';

export interface ResultTable {
  columns: string[];
  head: Array<Array<string | null>>;
  tail: Array<Array<string | null>>;
  /** Rows between head and tail not shown. */
  omitted: number;
  /** Data rows in the whole file. */
  total: number;
  /** Values longer than KEPT_VALUE_CHARS, cut to that length here: where they are and how long they were. */
  clipped?: Array<{ row: number; column: number; length: number }>;
}

/** Characters of one value kept in the report data; the rest stays in the evidence file. */
export const KEPT_VALUE_CHARS = 4000;

const QUOTE = 0x22;
const NEWLINE = 0x0a;

/** How many records the file holds, and the byte offsets where the last `keep` of them start. */
export function recordStarts(path: string, keep: number): { records: number; starts: number[] } {
  const fd = openSync(path, 'r');
  const chunk = Buffer.alloc(1 << 20);
  const starts: number[] = [0];
  let records = 0;
  let inQuote = false;
  let lastByte = NEWLINE;
  try {
    for (let base = 0; ; ) {
      const n = readSync(fd, chunk, 0, chunk.length, base);
      if (!n) break;
      const view = chunk.subarray(0, n);
      let pos = 0;
      let nextQuote = view.indexOf(QUOTE, 0);
      let nextNewline = view.indexOf(NEWLINE, 0);
      while (pos < n) {
        if (nextQuote >= 0 && nextQuote < pos) nextQuote = view.indexOf(QUOTE, pos);
        if (nextNewline >= 0 && nextNewline < pos) nextNewline = view.indexOf(NEWLINE, pos);
        if (inQuote) {
          if (nextQuote < 0) break;
          inQuote = false;
          pos = nextQuote + 1;
        } else if (nextNewline >= 0 && (nextQuote < 0 || nextNewline < nextQuote)) {
          records++;
          starts.push(base + nextNewline + 1);
          if (starts.length > keep + 1) starts.shift();
          pos = nextNewline + 1;
        } else if (nextQuote >= 0) {
          inQuote = true;
          pos = nextQuote + 1;
        } else break;
      }
      lastByte = view[n - 1]!;
      base += n;
    }
  } finally {
    closeSync(fd);
  }
  // A last record without its newline still counts; a final newline starts nothing.
  if (lastByte !== NEWLINE) records++;
  else starts.pop();
  return { records, starts: starts.slice(-keep) };
}

type Row = Array<string | null>;

/** Up to `limit` records from byte `start`, read with csv-parse. */
async function readRecords(path: string, start: number, limit: number): Promise<Row[]> {
  const input = createReadStream(path, { start });
  const parser = input.pipe(
    parse({
      relax_column_count: true,
      // A value longer than this is not an excerpt any more; the report links to the evidence instead.
      max_record_size: 64 * 1024 * 1024,
      cast: (value, context) => (value === '' && !context.quoting ? (null as unknown as string) : value),
    }),
  );
  const out: Row[] = [];
  try {
    for await (const record of parser as AsyncIterable<Row>) {
      out.push(record);
      if (out.length >= limit) break;
    }
  } finally {
    input.destroy();
    parser.destroy();
  }
  return out;
}

/** The header and the first and last `edgeRows` rows of a CSV result, or undefined when it cannot be read as CSV. */
export async function readResultTable(path: string, edgeRows = 20): Promise<ResultTable | undefined> {
  // Not there, or a folder or a named pipe in the file's place (reading a pipe would wait for a writer).
  if (!existsSync(path) || !statSync(path).isFile()) return undefined;
  try {
    const { records, starts } = recordStarts(path, edgeRows);
    const whole = records - 1 <= edgeRows * 2;
    const first = await readRecords(path, 0, whole ? Infinity : 1 + edgeRows);
    const [header, ...headRows] = first;
    if (!header) return undefined;
    const total = whole ? headRows.length : records - 1;
    const tailRows = whole ? [] : await readRecords(path, starts[0]!, edgeRows);
    if (!whole && (headRows.length !== edgeRows || tailRows.length !== edgeRows)) return undefined;
    const clipped: NonNullable<ResultTable['clipped']> = [];
    const clip = (values: Row, row: number): Row =>
      values.map((v, column) => {
        if (v === null || v.length <= KEPT_VALUE_CHARS) return v;
        clipped.push({ row, column, length: v.length });
        return v.slice(0, KEPT_VALUE_CHARS);
      });
    const head = headRows.map((r, i) => clip(r, i + 1));
    const tail = tailRows.map((r, i) => clip(r, total - tailRows.length + 1 + i));
    return { columns: header.map((c) => c ?? ''), head, tail, omitted: total - head.length - tail.length, total, ...(clipped.length ? { clipped } : {}) };
  } catch {
    return undefined;
  }
}
