// Running one action inside a session: fill placeholders, apply the guards, run, and record every
// step of it (started, output, finished, refused, confirmed). `runbook exec` and the TUI both call this.

import type { Action } from '../runbook/model.js';
import { noRunnerReason } from '../runbook/queryKinds.js';
import { typedInsideReason, typedInsideWith } from '../runbook/interactive.js';
import { findPlaceholderSpans, MissingPlaceholdersError } from '../runbook/placeholders.js';
import type { EvidenceRef } from '../session/evidence.js';
import { StorageFault } from '../session/fault.js';
import type { Session, Where } from '../session/session.js';
import { marker } from '../session/redact.js';
import { isSecretColumn } from '../session/secretColumns.js';
import type { Environment } from './environment.js';
import { exportedChanges, wrapForExports, type ExportChanges } from './exports.js';
import { fillShell, fillSql } from './guard/fill.js';
import { needsPermission, refusalSentence, type Verdict } from './guard/permission.js';
import { onFatalSignal } from './interrupt.js';
import type { ShellResult } from './shell.js';
import type { SqlResult } from './sql.js';
import type { SupabaseResult } from './supabase.js';

export type ActionStatus = 'ok' | 'failed' | 'refused' | 'cancelled';

export interface Permissions {
  /** The operator typed the protected environment's name (or passed --confirm). */
  environmentConfirmed: boolean;
  /** Writing and destructive actions may run (the operator confirmed, or --allow-writes). */
  allowWrites: boolean;
}

export interface RunActionOptions {
  session: Session;
  env: Environment;
  where: Where;
  /** Identifies the action within the runbook: `<step id>#<n>`. */
  actionId: string;
  values: Record<string, string>;
  /** Variables earlier actions of the session exported: every shell action gets them in its environment. */
  carried?: Record<string, string>;
  permissions: Permissions;
  signal?: AbortSignal;
  onOutput?: (chunk: Buffer) => void;
  /** A query's first rows, as soon as they arrive. */
  onFirstPage?: (page: { columns: string[]; page: Array<Array<string | null>> }) => void;
}

/** The guard's verdict in the shape callers used before tiers: writes, destructive, reasons. */
export interface Risk {
  writes: boolean;
  destructive: boolean;
  reasons: string[];
  tier: Verdict['tier'];
}

export interface ActionOutcome {
  status: ActionStatus;
  /** The code as run: placeholders filled, secrets redacted. */
  code: string;
  risk: Risk;
  /** One sentence when it did not succeed. */
  message?: string;
  shell?: ShellResult;
  sql?: SqlResult;
  supabase?: SupabaseResult;
  /** A shell action that ran: what it exported (null when that could not be read), and its run (seq). */
  exports?: { run: number; changes: ExportChanges | null };
}

/** Values for placeholders and unset `$VAR`s an action still needs. */
export function missingValues(action: Action, env: Environment, values: Record<string, string>): string[] {
  if (action.kind === 'url') return [];
  const missing = action.placeholders.filter((name) => values[name] === undefined);
  for (const name of action.env ?? []) if (env.vars[name] === undefined && values[name] === undefined) missing.push(name);
  return [...new Set(missing)];
}

/** The code as it will run: SQL with values escaped in, shell with references to RUNBOOK_VALUE_* variables. */
export function filledCode(action: Action, values: Record<string, string>): string {
  if (action.kind === 'url' || !findPlaceholderSpans(action.code).length) return action.code;
  try {
    return action.kind === 'shell' ? fillShell(action.code, values).code : fillSql(action.code, values);
  } catch {
    return action.code;
  }
}

export function riskOf(verdict: Verdict): Risk {
  return { writes: verdict.tier === 'write', destructive: verdict.destructive, reasons: verdict.reasons, tier: verdict.tier };
}

/** Why an action may not run yet, or undefined when it may. */
export function refusalReason(env: Environment, verdict: Verdict, permissions: Permissions, shownCode: string): string | undefined {
  if (env.protected && !permissions.environmentConfirmed) return `${env.name} is a protected environment: type its name to confirm (runbook exec: --confirm ${env.name})`;
  if (verdict.blocked) return verdict.blocked;
  if (needsPermission(verdict, env) && !permissions.allowWrites) return refusalSentence(verdict, env, shownCode);
  return undefined;
}

function redactPage(session: Session, page: Array<Array<string | null>>, columns: string[]): Array<Array<string | null>> {
  // A value under a secret-named column (`password`, `api_token`) goes whatever its shape, as in the evidence.
  const secret = columns.map(isSecretColumn);
  return page.map((row) => row.map((value, i) => (value === null ? null : secret[i] && value !== '' ? marker('secret-assignment') : session.redact(value).text)));
}

const READ_ONLY_PGOPTIONS = '-c default_transaction_read_only=on';

export async function runAction(action: Action, options: RunActionOptions): Promise<ActionOutcome> {
  const { session, env, where } = options;
  const missing = missingValues(action, env, options.values);
  if (missing.length) throw new MissingPlaceholdersError(missing);
  // The judge and its parsers load on the first action, never for the TUI's first frame.
  const { judgeAction } = await import('./guard/judge.js');
  const verdict = await judgeAction(action, env, options.values);
  const risk = riskOf(verdict);
  const code = verdict.code;
  const shown = session.redact(code).text;
  const base = { ...where, action: options.actionId, kind: action.kind, code: shown, line: action.line };

  const opener = action.typedInside ?? (action.kind === 'shell' ? typedInsideWith(action.code, { ...env.vars, ...options.carried, ...options.values }) : undefined);
  const refusal = noRunnerReason(action.kind) ?? (opener ? typedInsideReason(opener) : undefined) ?? refusalReason(env, verdict, options.permissions, shown);
  if (refusal) {
    session.record('action.refused', { ...base, reason: refusal, tier: verdict.tier, risk: risk.reasons.length ? risk.reasons : undefined });
    return { status: 'refused', code: shown, risk, message: refusal };
  }
  const writesAllowed = options.permissions.allowWrites && verdict.tier !== 'read';
  if (writesAllowed && needsPermission(verdict, env)) {
    session.record('confirmed', { ...where, action: options.actionId, what: verdict.destructive ? 'destructive' : 'write', reasons: risk.reasons });
  }

  const started = session.record('action.started', { ...base, env: env.name, tier: verdict.tier });
  const run = started.seq;
  // Killed by SIGTERM/SIGHUP while this runs: the handler stops the process group, then this records it.
  const untrack = onFatalSignal((signal) => {
    session.record('interrupted', { ...where, action: options.actionId, run, reason: `${signal}: runbook was stopped while the action ran; its processes were stopped` });
  });
  try {
    return await runJudged(action, options, verdict, risk, shown, run, writesAllowed, timeoutFor(action, env));
  } finally {
    untrack();
  }
}

function timeoutFor(action: Action, env: Environment): number {
  return Number(action.attrs?.timeout) || (action.kind === 'sql' || action.kind === 'supabase' ? env.timeouts.sqlSeconds : env.timeouts.shellSeconds);
}

async function runJudged(action: Action, options: RunActionOptions, verdict: Verdict, risk: Risk, shown: string, run: number, writesAllowed: boolean, timeoutSeconds: number): Promise<ActionOutcome> {
  const { session, env, where } = options;
  const code = verdict.code;
  let outcome: ActionOutcome;

  if (action.kind === 'shell') {
    const evidence = session.evidenceWriter();
    const vars: Record<string, string> = { ...env.vars, ...options.carried, ...Object.fromEntries((action.env ?? []).filter((n) => options.values[n] !== undefined).map((n) => [n, options.values[n]!])), ...verdict.vars };
    // psql and every libpq tool the command starts is read-only unless writing was allowed.
    if (!writesAllowed) vars.PGOPTIONS = [vars.PGOPTIONS, READ_ONLY_PGOPTIONS].filter(Boolean).join(' ');
    if (verdict.tier === 'read' && env.readDatabase?.connectionString) vars.DATABASE_URL = env.readDatabase.connectionString;
    let shell: ShellResult;
    // Loaded on first use: execa is a large module tree that the first frame should not wait for.
    const { runShell } = await import('./shell.js');
    // What it exports is read when its shell ends: the guard judged `code`; the wrapper is ours.
    const capture = wrapForExports(code);
    let exports: ActionOutcome['exports'];
    try {
      // A failed evidence write (disk full, file-size limit) stops the command: nothing runs unrecorded.
      const signal = options.signal ? AbortSignal.any([options.signal, evidence.faultSignal]) : evidence.faultSignal;
      shell = await runShell(capture.code, { cwd: env.cwd, env: vars, timeoutMs: timeoutSeconds * 1000, evidence, signal, ...(options.onOutput ? { onOutput: options.onOutput } : {}) });
      const after = capture.read();
      exports = { run, changes: after ? exportedChanges(vars, after) : null };
    } catch (error) {
      evidence.abort();
      throw error;
    } finally {
      capture.cleanup();
    }
    let ref: EvidenceRef;
    try {
      ref = evidence.finish();
    } catch (error) {
      if (!(error instanceof StorageFault)) throw error;
      session.record('action.finished', { ...where, action: options.actionId, run, status: 'failed', durationMs: shell.durationMs, error: error.message });
      return { status: 'failed', code: shown, risk, shell, exports, message: error.message };
    }
    session.record('action.output', { ...where, action: options.actionId, run, stream: 'combined', evidence: ref, lines: shell.tail.droppedLines + shell.tail.last().length });
    const status: ActionStatus = shell.cancelled ? 'cancelled' : shell.exitCode === 0 && !shell.timedOut ? 'ok' : 'failed';
    session.record('action.finished', {
      ...where, action: options.actionId, run, status,
      exitCode: shell.exitCode, signal: shell.signal, durationMs: shell.durationMs,
      timedOut: shell.timedOut || undefined, notFound: shell.notFound, error: shell.error,
    });
    outcome = { status, code: shown, risk, shell, exports, ...(status === 'ok' ? {} : { message: shell.error ?? 'failed' }) };
  } else if (action.kind === 'sql') {
    if (!env.database) {
      const message = `no database is configured for ${env.name}: set DATABASE_URL (or PGHOST…), or databaseUrl in runbook.config.json`;
      session.record('action.finished', { ...where, action: options.actionId, run, status: 'failed', durationMs: 0, error: message });
      return { status: 'failed', code: shown, risk, message };
    }
    const { runSql } = await import('./sql.js');
    const sql = await runSql(code, {
      database: verdict.tier === 'read' && env.readDatabase ? env.readDatabase : env.database,
      statementTimeoutMs: timeoutSeconds * 1000,
      allowWrites: writesAllowed,
      ...(verdict.statements ? { statements: verdict.statements } : {}),
      // Not on the sandbox: PGlite builds a COPY's whole result before sending a byte (the first page
      // waits for the end, nothing can be cancelled meanwhile), where a cursor streams it.
      ...(verdict.copyable && !env.sandbox ? { copyable: verdict.copyable } : {}),
      evidence: () => session.evidenceWriter(),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onFirstPage ? { onFirstPage: (first) => options.onFirstPage!({ ...first, page: redactPage(session, first.page, first.columns) }) } : {}),
    });
    // The screen shows what the evidence holds: values redacted like every other output.
    for (const statement of sql.statements) statement.page = redactPage(session, statement.page, statement.columns);
    if (sql.error) sql.error = { ...sql.error, sentence: session.redact(sql.error.sentence).text };
    for (const statement of sql.statements) {
      session.record('action.output', {
        ...where, action: options.actionId, run, statement: statement.index, command: statement.command,
        columns: statement.columns, rows: statement.rowCount, evidence: statement.evidence, durationMs: statement.durationMs,
        partial: statement.partial,
      });
    }
    const status: ActionStatus = sql.cancelled ? 'cancelled' : sql.error ? 'failed' : 'ok';
    const rows = sql.statements.reduce((n, s) => n + s.rowCount, 0);
    session.record('action.finished', {
      ...where, action: options.actionId, run, status, rows, durationMs: sql.durationMs,
      notices: sql.notices.length ? sql.notices.map((n) => session.redact(n).text) : undefined,
      error: sql.error ? session.redact(sql.error.sentence).text : undefined, sqlstate: sql.error?.sqlstate,
    });
    outcome = { status, code: shown, risk, sql, ...(sql.error ? { message: sql.error.sentence } : {}) };
  } else if (action.kind === 'supabase') {
    const { runSupabase } = await import('./supabase.js');
    const raw = await runSupabase(code, { env, evidence: () => session.evidenceWriter(), timeoutMs: timeoutSeconds * 1000, ...(options.signal ? { signal: options.signal } : {}) });
    // Summaries and errors can quote what a server said: they reach the log and the screen redacted.
    const result = { ...raw, summary: raw.summary.map((line) => session.redact(line).text), ...(raw.error ? { error: session.redact(raw.error).text } : {}) };
    session.record('action.output', { ...where, action: options.actionId, run, verb: result.verb, evidence: result.evidence, summary: result.summary });
    for (const table of result.tables) {
      session.record('action.output', { ...where, action: options.actionId, run, verb: result.verb, columns: table.columns, rows: table.rowCount, evidence: table.evidence });
    }
    const status: ActionStatus = result.cancelled ? 'cancelled' : result.error ? 'failed' : 'ok';
    session.record('action.finished', { ...where, action: options.actionId, run, status, durationMs: result.durationMs, error: result.error, timedOut: result.timedOut || undefined });
    outcome = { status, code: shown, risk, supabase: result, ...(result.error ? { message: result.error } : {}) };
  } else {
    // A URL is for a person to open; running it means recording that it was offered.
    session.record('action.finished', { ...where, action: options.actionId, run, status: 'ok', durationMs: 0, note: 'link for the operator to open' });
    outcome = { status: 'ok', code: shown, risk };
  }
  return outcome;
}
