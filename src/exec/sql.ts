// The SQL runner: one connection per action, a read-only transaction unless writing was allowed,
// statement_timeout set, and results streamed so a million rows never sit in memory: a page is kept
// for the screen, every row goes to a CSV evidence file. A single plain query in a read-only run is
// exported by COPY … TO STDOUT (sqlCopy.ts), as psql's \copy does; everything else reads through a cursor.

import type { Client, ClientConfig } from 'pg';
import type { EvidenceRef, EvidenceWriter } from '../session/evidence.js';
import type { DatabaseSettings } from './environment.js';
import { copyWrapper, runCopy, type PartialExportError } from './sqlCopy.js';
import { splitStatements } from './sqlText.js';

export interface SqlOptions {
  database: DatabaseSettings;
  statementTimeoutMs: number;
  /** Run in a read-write transaction that commits; otherwise BEGIN READ ONLY on a read-only connection. */
  allowWrites: boolean;
  /** The statements as the guard's parser split them; sent one by one exactly as judged. */
  statements?: string[];
  /** For each statement, whether the guard's parse tree says COPY (…) TO STDOUT can wrap it. */
  copyable?: boolean[];
  /** A fresh evidence writer for each statement's result. */
  evidence: () => EvidenceWriter;
  pageSize?: number;
  signal?: AbortSignal;
  connectTimeoutMs?: number;
  /** Called with the first page of each statement's rows as soon as it arrives, before the rest is read. */
  onFirstPage?: (statement: { index: number; columns: string[]; page: Array<Array<string | null>> }) => void;
}

export interface StatementResult {
  index: number;
  text: string;
  /** SELECT, UPDATE, … as the server reports it. */
  command?: string;
  columns: string[];
  rowCount: number;
  /** The first rows, for display; NULL is null. */
  page: Array<Array<string | null>>;
  evidence?: EvidenceRef;
  durationMs: number;
  /** The result stopped part-way (cancelled, timed out, failed mid-stream): the evidence holds the rows that came. */
  partial?: true;
}

export interface SqlError {
  sqlstate?: string;
  message: string;
  detail?: string;
  hint?: string;
  /** Where in the statement the error is, 1-based. */
  position?: { line: number; column: number };
  statementIndex?: number;
  /** One sentence for the operator. */
  sentence: string;
}

export interface SqlResult {
  statements: StatementResult[];
  notices: string[];
  durationMs: number;
  cancelled: boolean;
  error?: SqlError;
}

const BATCH = 1_000;

function target(db: DatabaseSettings): string {
  if (db.connectionString) {
    try {
      const url = new URL(db.connectionString);
      return `${url.hostname || 'localhost'}:${url.port || 5432}${url.pathname || ''}`;
    } catch {
      return 'the configured database';
    }
  }
  return `${db.host ?? 'localhost'}:${db.port ?? 5432}/${db.database ?? ''}`;
}

function positionIn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, offset - 1)).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

interface PgError extends Error {
  code?: string;
  detail?: string;
  hint?: string;
  position?: string;
  errno?: number;
}

export function describeConnectionError(error: PgError, db: DatabaseSettings, timeoutMs: number): SqlError {
  const where = target(db);
  const code = error.code;
  let sentence: string;
  if (code === 'ECONNREFUSED') sentence = `cannot connect to the database at ${where}: connection refused (is it running, and is the port right?)`;
  else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') sentence = `cannot find the database host of ${where} (check the host name)`;
  else if (code === 'ETIMEDOUT' || /timeout/i.test(error.message)) sentence = `the database at ${where} did not answer within ${Math.round(timeoutMs / 1000)} s`;
  else if (code === '28P01') sentence = `the database at ${where} refused the password (${error.message}, 28P01)`;
  else if (code === '3D000') sentence = `${error.message} at ${where} (3D000)`;
  else if (code === '28000') sentence = `the database at ${where} refused the connection: ${error.message} (28000)`;
  else sentence = `cannot connect to the database at ${where}: ${error.message}${code ? ` (${code})` : ''}`;
  return { ...(code ? { sqlstate: code } : {}), message: error.message, sentence };
}

function describeQueryError(error: PgError, statement: { text: string; index: number }, timeoutMs: number): SqlError {
  const out: SqlError = { message: error.message, statementIndex: statement.index, sentence: '' };
  if (error.code) out.sqlstate = error.code;
  if (error.detail) out.detail = error.detail;
  if (error.hint) out.hint = error.hint;
  if (error.position) out.position = positionIn(statement.text, Number(error.position));
  let sentence = `${error.message}${error.code ? ` (${error.code})` : ''}`;
  if (error.code === '57014' && /statement timeout/.test(error.message)) sentence = `the statement ran longer than its ${Math.round(timeoutMs / 1000)} s statement_timeout and was cancelled (57014)`;
  if (error.code === '57P01') sentence = `the server ended the connection (${error.message}, 57P01); later actions reconnect`;
  if (error.code === '25006') sentence = `${error.message}: the statement writes, and it ran read-only (25006)`;
  if (out.position) sentence += ` at line ${out.position.line}, column ${out.position.column}`;
  if (error.hint) sentence += `; hint: ${error.hint}`;
  out.sentence = sentence;
  return out;
}

function csvField(value: string | null): string {
  if (value === null) return '';
  if (value === '' || /[",\n\r]|^\s|\s$/.test(value)) return `"${value.replace(/"/g, '""')}"`;
  return value;
}

function csvLine(values: Array<string | null>): string {
  return values.map(csvField).join(',') + '\n';
}

// Values exactly as PostgreSQL prints them: no Date or number conversions between the server and the evidence.
const RAW_TYPES = { getTypeParser: () => (value: string) => value } as unknown as ClientConfig['types'];

async function endQuietly(client: Client): Promise<void> {
  await Promise.race([client.end().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
}

async function cancelBackend(config: ClientConfig, pid: number): Promise<void> {
  const { default: pg } = await import('pg');
  const canceller = new pg.Client(config);
  canceller.on('error', () => undefined);
  try {
    await canceller.connect();
    await canceller.query('select pg_cancel_backend($1)', [pid]);
  } catch {
    // The statement finished or the server went away: nothing left to cancel.
  } finally {
    await endQuietly(canceller);
  }
}

export async function runSql(code: string, options: SqlOptions): Promise<SqlResult> {
  const start = performance.now();
  const { default: pg } = await import('pg');
  const { default: Cursor } = await import('pg-cursor');
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const config: ClientConfig = {
    ...options.database,
    connectionTimeoutMillis: connectTimeoutMs,
    statement_timeout: options.statementTimeoutMs,
    application_name: 'runbook',
    types: RAW_TYPES,
    // The server enforces read-only for the whole session, whatever the statements try; strings are
    // standard so a filled literal means what it says.
    options: options.allowWrites ? '-c standard_conforming_strings=on' : '-c default_transaction_read_only=on -c standard_conforming_strings=on',
  };
  const result: SqlResult = { statements: [], notices: [], durationMs: 0, cancelled: false };
  const finish = () => ({ ...result, durationMs: Math.round(performance.now() - start) });
  const client = new pg.Client(config);
  // A backend that dies mid-query makes the client emit 'error'; the query's own error reports it.
  client.on('error', () => undefined);
  client.on('notice', (notice) => result.notices.push(`${notice.severity ?? 'NOTICE'}: ${notice.message}`));
  try {
    await client.connect();
  } catch (error) {
    result.error = describeConnectionError(error as PgError, options.database, connectTimeoutMs);
    await endQuietly(client);
    return finish();
  }
  const pid = (client as unknown as { processID: number }).processID;
  const onAbort = () => {
    result.cancelled = true;
    void cancelBackend(config, pid);
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const statements = options.statements ? options.statements.map((text) => ({ text })) : splitStatements(code);
  // One plain query, read-only: exported by COPY. Several statements, or a run that may write, keep the cursor.
  const copyText = !options.allowWrites && statements.length === 1 && options.copyable?.length === 1 && options.copyable[0] ? await copyWrapper(statements[0]!.text) : undefined;
  let current = { text: '', index: 0 };
  try {
    await client.query(options.allowWrites ? 'BEGIN' : 'BEGIN READ ONLY');
    for (const [index, statement] of statements.entries()) {
      current = { text: statement.text, index };
      if (options.signal?.aborted) throw Object.assign(new Error('canceling statement due to user request'), { code: '57014' });
      result.statements.push(
        copyText !== undefined
          ? await exportStatement(client, copyText, statement.text, index, options, { stop: () => void cancelBackend(config, pid), cancelled: () => result.cancelled })
          : await runStatement(client, Cursor, statement.text, index, options),
      );
    }
    await client.query('COMMIT');
  } catch (error) {
    const pgError = error as PgError;
    const partial = (error as PartialExportError).partialExport;
    if (partial) result.statements.push({ index: current.index, text: current.text, command: 'SELECT', ...partial, durationMs: Math.round(performance.now() - start) });
    result.error = describeQueryError(pgError, current, options.statementTimeoutMs);
    if (result.cancelled) result.error.sentence = 'cancelled by the operator';
    await client.query('ROLLBACK').catch(() => undefined);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await endQuietly(client);
  }
  return finish();
}

type CursorClass = typeof import('pg-cursor');

async function exportStatement(client: Client, copyText: string, text: string, index: number, options: SqlOptions, control: { stop: () => void; cancelled: () => boolean }): Promise<StatementResult> {
  const started = performance.now();
  const exported = await runCopy(client, copyText, {
    pageSize: options.pageSize ?? 100,
    writer: options.evidence(),
    ...(options.onFirstPage ? { onFirstPage: (page) => options.onFirstPage!({ index, ...page }) } : {}),
    ...control,
  });
  // The statement is the query: recorded as the SELECT it is, as the cursor path records it.
  return { index, text, command: 'SELECT', ...exported, durationMs: Math.round(performance.now() - started) };
}

async function runStatement(client: Client, Cursor: CursorClass, text: string, index: number, options: SqlOptions): Promise<StatementResult> {
  const started = performance.now();
  const pageSize = options.pageSize ?? 100;
  const cursor = client.query(new Cursor(text, [], { rowMode: 'array' }));
  const writer = options.evidence();
  const page: Array<Array<string | null>> = [];
  let columns: string[] = [];
  let rowCount = 0;
  let command: string | undefined;
  let serverRowCount: number | null = null;
  try {
    for (;;) {
      const { rows, fields, result } = await new Promise<{ rows: unknown[][]; fields: string[]; result: { command?: string; rowCount?: number | null } }>((resolve, reject) =>
        cursor.read(BATCH, (error, rows, res) => {
          if (error) reject(error);
          else resolve({ rows: rows as unknown[][], fields: (res?.fields ?? []).map((f: { name: string }) => f.name), result: res ?? {} });
        }),
      );
      if (!columns.length && fields.length) {
        columns = fields;
        writer.write(csvLine(columns));
      }
      command = result.command ?? command;
      serverRowCount = result.rowCount ?? serverRowCount;
      if (!rows.length) {
        if (rowCount === 0 && columns.length) options.onFirstPage?.({ index, columns, page });
        break;
      }
      let chunk = '';
      for (const row of rows) {
        const values = row.map((v) => (v === null || v === undefined ? null : String(v)));
        if (page.length < pageSize) page.push(values);
        chunk += csvLine(values);
      }
      writer.write(chunk);
      if (rowCount === 0) options.onFirstPage?.({ index, columns, page });
      rowCount += rows.length;
      if (rows.length < BATCH) break;
    }
    await new Promise<void>((resolve) => cursor.close(() => resolve()));
  } catch (error) {
    writer.abort();
    throw error;
  }
  const evidence = writer.finish();
  return {
    index,
    text,
    ...(command ? { command } : {}),
    columns,
    rowCount: columns.length ? rowCount : (serverRowCount ?? rowCount),
    page,
    evidence,
    durationMs: Math.round(performance.now() - started),
  };
}
