// A query's result exported the way psql's \copy does it: `COPY (query) TO STDOUT WITH (FORMAT csv,
// HEADER)`, streamed through the redacting evidence writer, the screen's first page parsed from the
// same bytes. The wrapper is built only when the wrapped text is provably the judged query: it is
// parsed again and must be exactly one COPY to STDOUT (no file, no PROGRAM) whose query has the same
// parse tree as the statement the guard judged, so no text can close the parenthesis early, add a
// statement or turn the COPY into one that writes.

import type { Client } from 'pg';
import { parse as parseCsv } from 'csv-parse/sync';
import { loadSqlParser } from './guard/sqlJudge.js';
import type { EvidenceRef, EvidenceWriter } from '../session/evidence.js';
import { CsvRecordCounter } from './csvRecords.js';

type Node = Record<string, unknown>;

const COPY_HEAD = 'COPY (\n';
const COPY_TAIL = ') TO STDOUT WITH (FORMAT csv, HEADER)';

function copyOptionsAre(options: unknown): boolean {
  if (!Array.isArray(options) || options.length !== 2) return false;
  const [format, header] = options.map((o) => (o as Node).DefElem as Node | undefined);
  const sval = (def: Node | undefined) => ((def?.arg as Node | undefined)?.String as Node | undefined)?.sval;
  return format?.defname === 'format' && sval(format) === 'csv' && header?.defname === 'header' && header.arg === undefined;
}

/**
 * The COPY text that exports `statement`'s rows as CSV, or undefined when the statement is not one
 * plain query or wrapping it would change what runs. The newline before the closing parenthesis
 * keeps a trailing `--` comment from swallowing it.
 */
export async function copyWrapper(statement: string): Promise<string | undefined> {
  const parse = await loadSqlParser();
  const wrapped = `${COPY_HEAD}${statement}\n${COPY_TAIL}`;
  try {
    // Parsed alone at the offset it has inside the wrapper, so that every position in the two trees agrees.
    const alone = (await parse(' '.repeat(COPY_HEAD.length) + statement)).stmts ?? [];
    const inside = (await parse(wrapped)).stmts ?? [];
    if (alone.length !== 1 || inside.length !== 1) return undefined;
    const copy = inside[0]!.stmt.CopyStmt as Node | undefined;
    if (!copy || copy.relation || copy.is_from || copy.is_program || copy.filename !== undefined || copy.whereClause || copy.attlist) return undefined;
    if (!copyOptionsAre(copy.options)) return undefined;
    if (!alone[0]!.stmt.SelectStmt || JSON.stringify(copy.query) !== JSON.stringify(alone[0]!.stmt)) return undefined;
    return wrapped;
  } catch {
    return undefined;
  }
}

export interface CopyPage {
  columns: string[];
  page: Array<Array<string | null>>;
}

export interface CopyOutcome extends CopyPage {
  rowCount: number;
  evidence: EvidenceRef;
  /** The export stopped before its end (cancelled, timed out, or the server failed mid-stream): the evidence holds the rows that came. */
  partial?: true;
}

/** COPY's CSV: an empty unquoted field is NULL, a quoted empty field ("") the empty string. */
function parseRecords(bytes: Buffer): Array<Array<string | null>> {
  return parseCsv(bytes, {
    relax_column_count: true,
    cast: (value, context) => (value === '' && !context.quoting ? (null as unknown as string) : value),
  }) as Array<Array<string | null>>;
}

/** An error from an export that stopped part-way, carrying what was kept of it. */
export interface PartialExportError extends Error {
  partialExport?: CopyOutcome;
}

export interface CopyRun {
  pageSize: number;
  writer: EvidenceWriter;
  onFirstPage?: (page: CopyPage) => void;
  /** Stop the export on the server (the evidence writer failed: nothing more can be recorded). */
  stop: () => void;
  /** Whether the operator cancelled: the rows that came are kept as partial evidence even when there are none. */
  cancelled: () => boolean;
}

/**
 * Run a COPY built by copyWrapper: whole records go to the evidence writer (which redacts line by line
 * across chunks), the first `pageSize` rows to the screen. When the export stops part-way after rows
 * came (or the operator cancelled), the evidence is finished with the whole records that came and
 * the error carries it, marked partial.
 */
export async function runCopy(client: Client, copyText: string, run: CopyRun): Promise<CopyOutcome> {
  // A CommonJS module: bundled, its exports are the default export only.
  const { default: copyStreams } = await import('pg-copy-streams');
  const copyTo = copyStreams.to;
  const counter = new CsvRecordCounter();
  let head: Buffer[] | undefined = [];
  let page: CopyPage = { columns: [], page: [] };
  const showPage = () => {
    if (!head) return;
    const [header = [], ...rows] = parseRecords(Buffer.concat(head));
    head = undefined;
    page = { columns: header.map((c) => c ?? ''), page: rows };
    run.onFirstPage?.(page);
  };
  // Bytes of a record not yet complete: held back so a stopped export never leaves half a row.
  let carry: Buffer[] = [];
  const stream = client.query(copyTo(copyText));
  let serverRows: number | undefined;
  let stopping = false;
  try {
    await new Promise<void>((resolve, reject) => {
      stream.on('data', (chunk: Buffer) => {
        // Once cancelled, what still arrives before the server stops is dropped unread, so the cancel
        // request is not kept waiting behind redacting it; the evidence ends where the operator stopped.
        if (stopping || run.cancelled()) return;
        const pageEnd = counter.push(chunk, head ? run.pageSize + 1 : Infinity);
        const end = counter.lastEnd;
        if (end < 0) carry.push(chunk);
        else {
          run.writer.write(carry.length ? Buffer.concat([...carry, chunk.subarray(0, end)]) : chunk.subarray(0, end));
          carry = end < chunk.length ? [chunk.subarray(end)] : [];
          if (run.writer.fault) {
            stopping = true;
            run.stop();
          }
        }
        if (head) {
          head.push(pageEnd < 0 ? chunk : chunk.subarray(0, pageEnd));
          if (pageEnd >= 0) showPage();
        }
      });
      stream.on('end', () => {
        serverRows = stream.rowCount;
        resolve();
      });
      stream.on('error', reject);
    });
  } catch (error) {
    const fault = run.writer.fault;
    if (fault || (!run.cancelled() && counter.rows === 0)) {
      run.writer.abort();
      throw fault ?? error;
    }
    // The page shows what the evidence keeps: whole records only.
    if (head) {
      const came = Buffer.concat(head);
      head = [came.subarray(0, came.length - carry.reduce((n, c) => n + c.length, 0))];
    }
    showPage();
    const evidence = run.writer.finish();
    throw Object.assign(error as Error, { partialExport: { ...page, rowCount: counter.rows, evidence, partial: true } satisfies CopyOutcome });
  }
  if (carry.length) run.writer.write(Buffer.concat(carry));
  showPage();
  const evidence = run.writer.finish();
  return { ...page, rowCount: serverRows ?? counter.rows, evidence };
}
