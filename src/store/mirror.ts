// Mirroring a session into the team store. The local log is the queue: after each fsync'd event the
// mirror sends whatever the store lacks, from the byte offset it last confirmed. It never blocks or
// fails the operator: errors make it `offline` and it retries with backoff; what it could not send is
// sent by the next run (flushBacklog).

import { existsSync, mkdirSync, readFileSync, writeFileSync, closeSync, openSync, readSync, fstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Client, ClientConfig } from 'pg';
import { sha256Hex, type EventRecord } from '../session/chain.js';
import { LOG_FILE, SIG_FILE } from '../session/log.js';
import { sessionsDir, stateDir } from '../session/paths.js';

export type MirrorHealth = 'live' | 'behind' | 'offline';

export interface MirrorStatus {
  health: MirrorHealth;
  /** Events recorded locally and not yet in the store. */
  behind: number;
  error?: string;
}

interface Progress {
  /** Events the store has confirmed. */
  acked: number;
  /** Byte offset in session.jsonl just after the last confirmed line. */
  offset: number;
  signature?: boolean;
}

function progressPath(id: string, env: NodeJS.ProcessEnv): string {
  return join(stateDir(env), 'mirror', `${id}.json`);
}

function readProgress(id: string, env: NodeJS.ProcessEnv): Progress {
  try {
    return JSON.parse(readFileSync(progressPath(id, env), 'utf8')) as Progress;
  } catch {
    return { acked: 0, offset: 0 };
  }
}

function writeProgress(id: string, progress: Progress, env: NodeJS.ProcessEnv): void {
  mkdirSync(join(stateDir(env), 'mirror'), { recursive: true });
  writeFileSync(progressPath(id, env), JSON.stringify(progress));
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

export class Mirror {
  private client: Client | undefined;
  private progress: Progress;
  private flushing: Promise<void> | undefined;
  private again = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelay = 500;
  private closed = false;
  private recorded = 0;
  private status: MirrorStatus = { health: 'behind', behind: 0 };
  private readonly listeners = new Set<(status: MirrorStatus) => void>();

  constructor(
    private readonly database: ClientConfig,
    readonly sessionId: string,
    private readonly sessionDir: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
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
    if (this.closed) return;
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

  private async flush(): Promise<void> {
    clearTimeout(this.retryTimer);
    const path = join(this.sessionDir, LOG_FILE);
    try {
      const fresh = !this.client;
      const client = await this.connect();
      let pending = linesAfter(path, this.progress.offset);
      // On a new connection, start from what the store holds: another run may have sent part of the
      // session, or the store may have lost some. While connected, this mirror is the only sender.
      if (fresh) {
        const { rows } = await client.query<{ events: number }>('select coalesce(max(seq) + 1, 0)::int as events from runbook_events where session_id = $1', [this.sessionId]);
        const stored = rows[0]?.events ?? 0;
        if (stored < this.progress.acked) {
          this.progress = { acked: 0, offset: 0 };
          pending = linesAfter(path, 0);
        }
        while (this.progress.acked < stored && pending.length) {
          this.progress = { ...this.progress, acked: this.progress.acked + 1, offset: pending[0]!.end };
          pending = pending.slice(1);
        }
      }
      while (pending.length) {
        const batch = pending.slice(0, BATCH);
        const values: unknown[] = [];
        const tuples = batch.map(({ line }, i) => {
          const event = JSON.parse(line) as EventRecord;
          values.push(this.sessionId, event.seq, event.ts, event.type, event.prev, sha256Hex(line), line, line);
          const b = i * 8;
          return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7}, $${b + 8}::jsonb)`;
        });
        await client.query(`insert into runbook_events (session_id, seq, ts, type, prev, hash, line, body) values ${tuples.join(', ')} on conflict (session_id, seq) do nothing`, values);
        const last = batch[batch.length - 1]!;
        this.progress = { ...this.progress, acked: this.progress.acked + batch.length, offset: last.end };
        writeProgress(this.sessionId, this.progress, this.env);
        pending = pending.slice(batch.length);
      }
      // The signature is written after the sealed line: send it only when every line, that one
      // included, is in the store (a flush that read the log before the seal sends it next time).
      const sigPath = join(this.sessionDir, SIG_FILE);
      if (!this.progress.signature && existsSync(sigPath) && !linesAfter(path, this.progress.offset).length) {
        await client.query('select runbook_set_signature($1, $2)', [this.sessionId, readFileSync(sigPath, 'utf8')]);
        this.progress = { ...this.progress, signature: true };
        writeProgress(this.sessionId, this.progress, this.env);
      }
      this.retryDelay = 500;
      this.recorded = Math.max(this.recorded, this.progress.acked);
      this.setStatus({ health: 'live', behind: Math.max(0, this.recorded - this.progress.acked) });
    } catch (error) {
      await this.client?.end().catch(() => undefined);
      this.client = undefined;
      this.setStatus({ health: 'offline', behind: Math.max(0, this.recorded - this.progress.acked), error: (error as Error).message });
      if (!this.closed) {
        this.retryTimer = setTimeout(() => this.push(), this.retryDelay);
        this.retryTimer.unref();
        this.retryDelay = Math.min(this.retryDelay * 2, 30_000);
      }
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

/** Send every local session's events the store does not have yet. Returns sessions brought up to date. */
export async function flushBacklog(database: ClientConfig, env: NodeJS.ProcessEnv = process.env, timeoutMs = 10_000): Promise<{ sent: string[]; failed: string[] }> {
  const root = sessionsDir(env);
  const sent: string[] = [];
  const failed: string[] = [];
  if (!existsSync(root)) return { sent, failed };
  const deadline = Date.now() + timeoutMs;
  for (const id of readdirSync(root)) {
    const dir = join(root, id);
    const path = join(dir, LOG_FILE);
    if (!existsSync(path)) continue;
    const progress = readProgress(id, env);
    // Only the part of the log after what the store confirmed is read.
    if (!linesAfter(path, progress.offset).length && (progress.signature || !existsSync(join(dir, SIG_FILE)))) continue;
    const mirror = new Mirror(database, id, dir, env);
    const status = await mirror.close(Math.max(500, deadline - Date.now()));
    (status.health === 'live' && status.behind === 0 ? sent : failed).push(id);
  }
  return { sent, failed };
}
