// SQL results for the report: the CSV evidence file read with a real CSV parser (a value may hold
// newlines, commas and quotes), keeping only the first and last rows, so a million-row result costs
// a report a few kilobytes. An empty unquoted field is NULL; a quoted empty field is the empty string.

import { createReadStream, existsSync } from 'node:fs';
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

/** The header and the first and last `edgeRows` rows of a CSV result, or undefined when it cannot be read as CSV. */
export async function readResultTable(path: string, edgeRows = 20): Promise<ResultTable | undefined> {
  if (!existsSync(path)) return undefined;
  const parser = createReadStream(path).pipe(
    parse({
      relax_column_count: true,
      // A value longer than this is not an excerpt any more; the report links to the evidence instead.
      max_record_size: 64 * 1024 * 1024,
      cast: (value, context) => (value === '' && !context.quoting ? (null as unknown as string) : value),
    }),
  );
  let columns: string[] | undefined;
  const head: Array<Array<string | null>> = [];
  let tail: Array<{ row: number; values: Array<string | null> }> = [];
  const clipped: NonNullable<ResultTable['clipped']> = [];
  let tailClipped: NonNullable<ResultTable['clipped']> = [];
  let total = 0;
  try {
    for await (const record of parser as AsyncIterable<Array<string | null>>) {
      if (!columns) {
        columns = record.map((c) => c ?? '');
        continue;
      }
      total++;
      const cut: NonNullable<ResultTable['clipped']> = [];
      const values = record.map((v, column) => {
        if (v === null || v.length <= KEPT_VALUE_CHARS) return v;
        cut.push({ row: total, column, length: v.length });
        return v.slice(0, KEPT_VALUE_CHARS);
      });
      if (head.length < edgeRows) {
        head.push(values);
        clipped.push(...cut);
        continue;
      }
      tail.push({ row: total, values });
      tailClipped.push(...cut);
      if (tail.length > edgeRows * 2) {
        const from = tail.length - edgeRows;
        const first = tail[from]!.row;
        tail = tail.slice(from);
        tailClipped = tailClipped.filter((c) => c.row >= first);
      }
    }
  } catch {
    parser.destroy();
    return undefined;
  }
  if (!columns) return undefined;
  if (tail.length > edgeRows) {
    const first = tail[tail.length - edgeRows]!.row;
    tail = tail.slice(-edgeRows);
    tailClipped = tailClipped.filter((c) => c.row >= first);
  }
  const all = [...clipped, ...tailClipped];
  return { columns, head, tail: tail.map((t) => t.values), omitted: total - head.length - tail.length, total, ...(all.length ? { clipped: all } : {}) };
}
