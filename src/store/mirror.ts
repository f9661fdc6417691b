// Mirroring a session into the team store. The local log is the queue: after each fsync'd event the
// mirror sends whatever the store lacks, from the byte offset it last confirmed. It never blocks the
// operator: a lost connection makes it `offline` and it retries with backoff; what it could not send
// is sent by the next run or `runbook sync` (flushBacklog). When the store holds something else than
// the local log, or refuses it, the mirror stops and says so (`conflict`): that is never retried away.

import { existsSync, mkdirSync, readFileSync, writeFileSync, closeSync, openSync, readSync, fstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Client, ClientConfig } from 'pg';
import { sha256Hex, type EventRecord } from '../session/chain.js';
import { LOG_FILE, SIG_FILE } from '../session/log.js';
import { sessionsDir, stateDir } from '../session/paths.js';
import { redactString } from '../session/redact.js';
import { excerptOf, fullEvidenceLimit } from './excerpts.js';

/** `conflict`: the store holds something else than the local log, or refuses it; mirroring stopped. */
export type MirrorHealth = 'live' | 'behind' | 'offline' | 'conflict';

export interface MirrorStatus {
  health: MirrorHealth;
  /** Events recorded locally and not yet in the store. */
  behind: number;
  error?: string;
}

/** A cache of what the store confirmed; checked against the store on every new connection. */
interface Progress {
  /** Events the store has confirmed. */
  acked: number;
  /** Byte offset in session.jsonl just after the last confirmed line. */
  offset: number;
  /** SHA-256 of the last confirmed line. */
  head?: string;
  signature?: boolean;
  /** Byte offset in session.jsonl up to which evidence excerpts were sent (issue 21). */
  excerpted?: number;
}

function progressPath(id: string, env: NodeJS.ProcessEnv): string {
  return join(stateDir(env), 'mirror', `${id}.json`);
}

function readProgress(id: string, env: NodeJS.ProcessEnv): Progress {
  try {
    const p = JSON.parse(readFileSync(progressPath(id, env), 'utf8')) as Progress;
    return Number.isInteger(p.acked) && Number.isInteger(p.offset) ? p : { acked: 0, offset: 0 };
  } catch {
    return { acked: 0, offset: 0 };
  }
}

function writeProgress(id: string, progress: Progress, env: NodeJS.ProcessEnv): void {
  mkdirSync(join(stateDir(env), 'mirror'), { recursive: true });
  writeFileSync(progressPath(id, env), JSON.stringify(progress));
}

/** The store refuses the local log or holds another: stop and say so. */
export class MirrorConflict extends Error {}

/** What the store holds of a session (its row is kept from the lines by the store itself). */
interface StoredState {
  events: number;
  head: string | null;
  signature: string | null;
  owner: string | null;
  /** The login this connection records as (session_user). */
  me: string;
}

/** The store records the session as another login's (a replay, e.g. after the store was recreated). */
function someoneElses(stored: StoredState): boolean {
  return stored.owner !== null && stored.owner !== stored.me;
}

function ownerMismatch(sessionId: string, stored: StoredState): string {
  return `the team store records session ${sessionId} as ${stored.owner}'s, not as recorded by you (${stored.me})`;
}

/**
 * The store refused the statement for what it says (bad data, a constraint, a privilege, the
 * trigger's checks), as opposed to a lost connection, a timeout or a busy server, which are retried.
 */
function isRefusal(error: unknown): error is Error & { code: string } {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^(22|23|42|P0)[0-9A-Z]{3}$/.test(code);
}

/** Complete lines of the log after `offset`, with the offset after each. */
function linesAfter(path: string, offset: number): Array<{ line: string; end: number }> {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size <= offset) return [];
    const buf = Buffer.alloc(size - offset);
    readSync(fd, buf, 0, buf.length, offset);
    const out: Array<{ line: string; end: number }> = [];
    let start = 0;
    for (let nl = buf.indexOf(0x0a); nl >= 0; nl = buf.indexOf(0x0a, start)) {
      out.push({ line: buf.subarray(start, nl).toString('utf8'), end: offset + nl + 1 });
      start = nl + 1;
    }
    return out;
  } finally {
    closeSync(fd);
  }
}

const BATCH = 500;

const STORED_STATE = `select exists (select 1 from information_schema.columns where table_name = 'runbook_sessions' and column_name = 'owner_role') as migrated,
  (select to_jsonb(s) from runbook_sessions s where s.id = $1) as session, session_user as me`;

/** Ask the store what it holds of a session. */
export async function storedState(client: Client, sessionId: string): Promise<StoredState> {
  const { rows } = await client.query<{ migrated: boolean; session: Record<string, unknown> | null; me: string }>(STORED_STATE, [sessionId]);
  if (!rows[0]?.migrated) throw new Error('the team store has no ownership schema yet: run runbook db migrate (schema 2) on it');
  const row = rows[0].session;
  return { events: Number(row?.events ?? 0), head: (row?.head_hash as string | null) ?? null, signature: (row?.signature as string | null) ?? null, owner: (row?.owner_role as string | null) ?? null, me: rows[0].me };
}

/** The local log's lines (complete ones) with the byte offset after each. */
function localLines(path: string): Array<{ line: string; end: number }> {
  return existsSync(path) ? linesAfter(path, 0) : [];
}

export class Mirror {
  private client: Client | undefined;
  private progress: Progress;
  private flushing: Promise<void> | undefined;
  private again = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelay = 500;
  private closed = false;
  private stopped: string | undefined;
  private recorded = 0;
  private status: MirrorStatus = { health: 'behind', behind: 0 };
  private readonly listeners = new Set<(status: MirrorStatus) => void>();
  /** Why the store refused an excerpt, when it last did (the events go on regardless). */
  excerptError: string | undefined;

  constructor(
    private readonly database: ClientConfig,
    readonly sessionId: string,
    private readonly sessionDir: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
    /** Redacts excerpt text with the session's known secrets (the evidence on disk is redacted already). */
    private readonly redact: (text: string) => string = (text) => redactString(text).text,
  ) {
    this.progress = readProgress(sessionId, env);
  }

  get state(): MirrorStatus {
    return this.status;
  }

  onChange(listener: (status: MirrorStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private setStatus(status: MirrorStatus): void {
    this.status = status;
    for (const listener of this.listeners) listener(status);
  }

  /** An event was recorded locally: send it (and anything before it the store lacks). */
  push(event?: EventRecord): void {
    if (event) this.recorded = Math.max(this.recorded, event.seq + 1);
    if (this.closed || this.stopped) return;
    if (this.flushing) {
      this.again = true;
      return;
    }
    this.flushing = this.flush().finally(() => {
      this.flushing = undefined;
      if (this.again && !this.closed) {
        this.again = false;
        this.push();
      }
    });
  }

  private async connect(): Promise<Client> {
    if (this.client) return this.client;
    const { default: pg } = await import('pg');
    const client = new pg.Client({ ...this.database, connectionTimeoutMillis: 5_000, application_name: 'runbook-mirror' });
    client.on('error', () => {
      if (this.client === client) this.client = undefined;
    });
    await client.connect();
    this.client = client;
    return client;
  }

  private saveProgress(progress: Progress): void {
    this.progress = progress;
    writeProgress(this.sessionId, progress, this.env);
  }

  /**
   * Check the progress cache against the store: it must hold a prefix of the local log (same head
   * hash at its count, the same signature if any). Resumes from there; a recreated store starts at 0.
   */
  private async reconcile(client: Client): Promise<void> {
    const stored = await storedState(client, this.sessionId);
    if (!someoneElses(stored) && stored.events === this.progress.acked && stored.head === (this.progress.head ?? null) && (stored.signature !== null) === Boolean(this.progress.signature)) return;
    const path = join(this.sessionDir, LOG_FILE);
    const lines = localLines(path);
    if (stored.events > lines.length) {
      throw new MirrorConflict(`the team store holds ${stored.events} events of session ${this.sessionId} and the local log ${lines.length}: events were added to it elsewhere${stored.owner ? ` (the stored session belongs to ${stored.owner})` : ''}`);
    }
    if (stored.events > 0 && sha256Hex(lines[stored.events - 1]!.line) !== stored.head) {
      const { rows } = await client.query<{ seq: number; hash: string }>('select seq, hash from runbook_events where session_id = $1 order by seq', [this.sessionId]);
      const differs = rows.find((r) => !lines[r.seq] || sha256Hex(lines[r.seq]!.line) !== r.hash)?.seq ?? stored.events - 1;
      throw new MirrorConflict(`the team store holds a different event #${differs} of session ${this.sessionId} than the local log${stored.owner ? ` (the stored session belongs to ${stored.owner})` : ''}`);
    }
    const sigPath = join(this.sessionDir, SIG_FILE);
    if (stored.signature !== null && (!existsSync(sigPath) || readFileSync(sigPath, 'utf8') !== stored.signature)) {
      throw new MirrorConflict(`the team store holds another signature for session ${this.sessionId} than the local one`);
    }
    // The same lines, recorded by another login: the store says someone else recorded this session.
    if (someoneElses(stored)) throw new MirrorConflict(ownerMismatch(this.sessionId, stored));
    const last = stored.events ? lines[stored.events - 1]! : undefined;
    this.saveProgress({ acked: stored.events, offset: last?.end ?? 0, ...(last ? { head: sha256Hex(last.line) } : {}), ...(stored.signature !== null ? { signature: true } : {}), excerpted: Math.min(this.progress.excerpted ?? 0, last?.end ?? 0) });
  }

  private async flush(): Promise<void> {
    clearTimeout(this.retryTimer);
    const path = join(this.sessionDir, LOG_FILE);
    try {
      const fresh = !this.client;
      const client = await this.connect();
      // On a new connection, start from what the store holds: another run may have sent part of the
      // session, or the store may have been recreated. While connected, this mirror is the only sender.
      if (fresh) await this.reconcile(client);
      let pending = linesAfter(path, this.progress.offset);
      while (pending.length) {
        const batch = pending.slice(0, BATCH);
        const values: unknown[] = [];
        const tuples = batch.map(({ line }, i) => {
          values.push(this.sessionId, line);
          return `($${i * 2 + 1}, $${i * 2 + 2})`;
        });
        try {
          await client.query(`insert into runbook_events (session_id, line) values ${tuples.join(', ')}`, values);
        } catch (error) {
          if (!isRefusal(error)) throw error;
          // Refused: either the store already holds these events (sent by another run of ours), or it
          // holds others, or it refuses ours. Only the first is not a conflict.
          const before = this.progress.acked;
          await this.reconcile(client);
          if (this.progress.acked > before) {
            pending = linesAfter(path, this.progress.offset);
            continue;
          }
          throw new MirrorConflict(`the team store refused event #${this.progress.acked} of session ${this.sessionId}: ${error.message}`);
        }
        const last = batch[batch.length - 1]!;
        this.saveProgress({ ...this.progress, acked: this.progress.acked + batch.length, offset: last.end, head: sha256Hex(last.line) });
        pending = pending.slice(batch.length);
      }
      await this.sendExcerpts(client, path);
      // The signature is written after the sealed line: send it only when every line, that one
      // included, is in the store (a flush that read the log before the seal sends it next time).
      const sigPath = join(this.sessionDir, SIG_FILE);
      if (!this.progress.signature && existsSync(sigPath) && !linesAfter(path, this.progress.offset).length) {
        try {
          await client.query('select runbook_set_signature($1, $2)', [this.sessionId, readFileSync(sigPath, 'utf8')]);
        } catch (error) {
          if (!isRefusal(error)) throw error;
          throw new MirrorConflict(`the team store refused the signature of session ${this.sessionId}: ${error.message}`);
        }
        this.saveProgress({ ...this.progress, signature: true });
      }
      this.retryDelay = 500;
      this.recorded = Math.max(this.recorded, this.progress.acked);
      this.setStatus({ health: 'live', behind: Math.max(0, this.recorded - this.progress.acked) });
    } catch (error) {
      await this.client?.end().catch(() => undefined);
      this.client = undefined;
      const behind = Math.max(0, this.recorded - this.progress.acked);
      if (error instanceof MirrorConflict) {
        this.stopped = error.message;
        this.setStatus({ health: 'conflict', behind, error: error.message });
        return;
      }
      this.setStatus({ health: 'offline', behind, error: (error as Error).message });
      if (!this.closed) {
        this.retryTimer = setTimeout(() => this.push(), this.retryDelay);
        this.retryTimer.unref();
        this.retryDelay = Math.min(this.retryDelay * 2, 30_000);
      }
    }
  }

  /**
   * Evidence excerpts of the events the store confirmed and that have none yet. An excerpt the store
   * refuses (it names other evidence than its event) is skipped and said, never retried; the events
   * go on. Schema 2 stores (no excerpt table) get events only.
   */
  private async sendExcerpts(client: Client, path: string): Promise<void> {
    const from = Math.min(this.progress.excerpted ?? 0, this.progress.offset);
    if (from >= this.progress.offset) return;
    const { rows } = await client.query<{ table: string | null }>("select to_regclass('runbook_excerpts')::text as table");
    if (!rows[0]?.table) {
      this.saveProgress({ ...this.progress, excerpted: this.progress.offset });
      return;
    }
    const limit = fullEvidenceLimit(this.env);
    for (const { line, end } of linesAfter(path, from)) {
      if (end > this.progress.offset) break;
      let record: EventRecord | undefined;
      try {
        record = JSON.parse(line) as EventRecord;
      } catch {
        record = undefined;
      }
      const excerpt = record && excerptOf(this.sessionDir, record, { redact: this.redact, fullLimit: limit });
      if (excerpt) {
        try {
          await client.query('insert into runbook_excerpts (session_id, seq, kind, sha256, size, excerpt, content) values ($1, $2, $3, $4, $5, $6::jsonb, $7) on conflict (session_id, seq) do nothing', [
            this.sessionId,
            excerpt.seq,
            excerpt.kind,
            excerpt.sha256,
            excerpt.size,
            JSON.stringify(excerpt.excerpt),
            excerpt.content ?? null,
          ]);
        } catch (error) {
          if (!isRefusal(error)) throw error;
          this.excerptError = `the team store refused the evidence excerpt of event #${excerpt.seq}: ${error.message}`;
        }
      }
      this.saveProgress({ ...this.progress, excerpted: end });
    }
  }

  /** Send what can be sent within `timeoutMs`, then stop; the rest waits for the next run. */
  async close(timeoutMs = 2_000): Promise<MirrorStatus> {
    const deadline = Date.now() + timeoutMs;
    this.push();
    // A flush in progress may be followed by another for events recorded meanwhile (the seal): wait for both.
    while ((this.flushing || this.again) && Date.now() < deadline) {
      await Promise.race([this.flushing, new Promise((resolve) => setTimeout(resolve, Math.max(1, deadline - Date.now())).unref())]);
    }
    this.closed = true;
    clearTimeout(this.retryTimer);
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
    return this.status;
  }
}

/** Does the store hold exactly the local log of a session: every line, nothing more, and its signature? */
export async function storeHoldsExactly(database: ClientConfig, sessionId: string, sessionDir: string): Promise<{ exact: boolean; reason?: string }> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ ...database, connectionTimeoutMillis: 5_000, application_name: 'runbook-mirror' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const stored = await storedState(client, sessionId);
    const lines = localLines(join(sessionDir, LOG_FILE));
    const head = lines.length ? sha256Hex(lines[lines.length - 1]!.line) : null;
    if (someoneElses(stored)) return { exact: false, reason: ownerMismatch(sessionId, stored) };
    if (stored.events !== lines.length) return { exact: false, reason: `the store holds ${stored.events} of the ${lines.length} local events` };
    if (stored.head !== head) return { exact: false, reason: 'the store holds other events than the local log' };
    const sigPath = join(sessionDir, SIG_FILE);
    const signature = existsSync(sigPath) ? readFileSync(sigPath, 'utf8') : null;
    if (stored.signature !== signature) return { exact: false, reason: signature ? "the store lacks the session's signature" : 'the store holds a signature the local log does not have' };
    return { exact: true };
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface BacklogResult {
  /** Sessions brought up to date. */
  sent: string[];
  /** Sessions that could not be sent now (the store is down or slow); they wait for the next run. */
  failed: string[];
  /** Sessions the store holds differently or refuses: mirroring them stopped. */
  conflicts: Array<{ id: string; message: string }>;
  /** Sessions the store already held exactly. */
  current: string[];
  /** Why the store could not be asked, when it could not. */
  error?: string;
}

/**
 * Send every local session (or only `only`) the store does not hold exactly. The progress files are
 * a cache: they are checked against the store's own count and head, so a recreated store is refilled.
 */
export async function flushBacklog(database: ClientConfig, env: NodeJS.ProcessEnv = process.env, timeoutMs = 10_000, only?: string[]): Promise<BacklogResult> {
  const root = sessionsDir(env);
  const result: BacklogResult = { sent: [], failed: [], conflicts: [], current: [] };
  if (!existsSync(root)) return result;
  const deadline = Date.now() + timeoutMs;
  const ids = (only ?? readdirSync(root)).filter((id) => existsSync(join(root, id, LOG_FILE)));
  if (!ids.length) return result;
  const { default: pg } = await import('pg');
  const client = new pg.Client({ ...database, connectionTimeoutMillis: 5_000, application_name: 'runbook-mirror' });
  client.on('error', () => undefined);
  let stored: Map<string, { events: number; head: string | null; signed: boolean; ours: boolean }>;
  try {
    await client.connect();
    const { rows } = await client.query<{ id: string; events: number; head_hash: string | null; signed: boolean; ours: boolean }>(
      "select id, events, head_hash, signature is not null as signed, coalesce(to_jsonb(s) ->> 'owner_role', session_user) = session_user as ours from runbook_sessions s where id = any($1)",
      [ids],
    );
    stored = new Map(rows.map((r) => [r.id, { events: r.events, head: r.head_hash, signed: r.signed, ours: r.ours }]));
  } catch (error) {
    return { ...result, failed: ids, error: (error as Error).message };
  } finally {
    await client.end().catch(() => undefined);
  }
  for (const id of ids) {
    const dir = join(root, id);
    const progress = readProgress(id, env);
    const held = stored.get(id);
    const signed = existsSync(join(dir, SIG_FILE));
    // Up to date when the store agrees with the cache and nothing was written after it (only the
    // unsent end of the log is read).
    if (held && held.ours && held.events === progress.acked && held.head === (progress.head ?? null) && held.signed === signed && !linesAfter(join(dir, LOG_FILE), progress.offset).length) {
      result.current.push(id);
      continue;
    }
    const mirror = new Mirror(database, id, dir, env);
    const status = await mirror.close(Math.max(500, deadline - Date.now()));
    if (status.health === 'conflict') result.conflicts.push({ id, message: status.error ?? 'conflict' });
    else if (status.health === 'live' && status.behind === 0) result.sent.push(id);
    else {
      result.failed.push(id);
      result.error ??= status.error;
    }
  }
  return result;
}

export interface MirrorOutcome {
  /** True only when the store holds exactly the local log. */
  ok: boolean;
  /** A conflict: the store holds something else or refuses the log (exec exits non-zero). */
  conflict: boolean;
  message: string;
}

/** At the end of a run: give the store a moment, send earlier runs' backlog, and say where the mirror stands. */
export async function finishMirror(mirror: Mirror, database: ClientConfig, sessionDir: string, env: NodeJS.ProcessEnv = process.env): Promise<MirrorOutcome> {
  const status = await mirror.close(3_000);
  if (status.health === 'conflict') {
    return { ok: false, conflict: true, message: `Mirroring to the team store stopped: ${status.error}. The local signed log is intact; compare them with runbook verify --store.` };
  }
  if (status.health !== 'live' || status.behind) {
    return { ok: false, conflict: false, message: `The team store is ${status.health}${status.error ? ` (${status.error})` : ''}: ${status.behind || 'some'} events wait locally and go on the next run (or runbook sync).` };
  }
  const exact = await storeHoldsExactly(database, mirror.sessionId, sessionDir).catch((error: Error) => ({ exact: false, reason: error.message }));
  if (!exact.exact) return { ok: false, conflict: false, message: `The team store does not hold this session as recorded yet (${exact.reason}): runbook sync ${mirror.sessionId} sends it.` };
  const backlog = await flushBacklog(database, env, 3_000);
  const earlier = backlog.sent.filter((id) => id !== mirror.sessionId);
  const conflicts = backlog.conflicts.filter((c) => c.id !== mirror.sessionId);
  const refused = mirror.excerptError ? ` Evidence excerpts: ${mirror.excerptError}.` : '';
  return {
    ok: true,
    conflict: false,
    message: `Mirrored to the team store${earlier.length ? `, with ${earlier.length} earlier session${earlier.length > 1 ? 's' : ''} from the backlog` : ''}.${conflicts.length ? ` ${conflicts.length} earlier session${conflicts.length > 1 ? 's conflict' : ' conflicts'} with the store: runbook sync says which.` : ''}${refused}`,
  };
}
