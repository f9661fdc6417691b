// The append-only session log. Every event is one `write` of one line, then `fsync`, before append()
// returns: a killed terminal loses nothing already shown as recorded (measured: ~210 µs an event).
// The trailing newline is the commit mark: a torn last line is moved aside on open and recorded.

import { closeSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { checkChain, sha256Hex, splitLines, ZERO_HASH, type EventRecord } from './chain.js';
import { fsyncDir, writeNewFileDurable } from './durable.js';
import { storageFault } from './fault.js';
import { acquireLock, type LockHolder } from './lock.js';
import type { RedactionCounts } from './redact.js';

export const LOG_FILE = 'session.jsonl';
export const SIG_FILE = 'session.jsonl.sig';
export const EVIDENCE_DIR = 'evidence';

const RESERVED = new Set(['seq', 'ts', 'type', 'prev']);

export class TamperedLogError extends Error {
  constructor(readonly line: number, reason: string) {
    super(`the session log is damaged at line ${line} (${reason}); nothing more will be appended to it — run runbook verify on it`);
  }
}

export class SealedLogError extends Error {
  constructor() {
    super('the session is sealed; a sealed session cannot be changed (start a new one)');
  }
}

export interface LogOptions {
  /** The clock, for tests with fixed times. */
  now?: () => Date;
  /** Redact an event's fields before they are written, adding what it found to `counts`. */
  redact?: (fields: Record<string, unknown>, counts: RedactionCounts) => Record<string, unknown>;
}

export interface OpenedLog {
  log: SessionLog;
  /** Every event in the log, the `recovered` one included when a torn line was cut off. */
  events: EventRecord[];
  /** A torn last line that was cut off into a side file. */
  recovered?: { file: string; bytes: number; sha256: string };
  /** A lock left behind by a process that died. */
  staleHolder?: LockHolder;
}

export class SessionLog {
  private closed = false;
  private redact: LogOptions['redact'];
  private before: { size: number; head: string; type: string | undefined } | undefined;

  private constructor(
    readonly dir: string,
    private readonly fd: number,
    private readonly releaseLock: () => void,
    private nextSeq: number,
    private headHash: string,
    private size: number,
    private readonly now: () => Date,
    private lastType: string | undefined,
  ) {}

  /** A new session folder with its first event. Fails if the folder already holds a log. */
  static create(dir: string, type: string, fields: Record<string, unknown>, options: LogOptions = {}): SessionLog {
    try {
      mkdirSync(join(dir, EVIDENCE_DIR), { recursive: true, mode: 0o700 });
    } catch (error) {
      throw storageFault(error, 'start the session folder', dir, 'nothing was run');
    }
    const lock = acquireLock(dir);
    let fd: number;
    try {
      fd = openSync(join(dir, LOG_FILE), 'wx+', 0o600);
    } catch (error) {
      lock.release();
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw error;
      throw storageFault(error, 'start the session log', dir, 'nothing was run');
    }
    fsyncDir(dir);
    fsyncDir(dirname(dir));
    const log = new SessionLog(dir, fd, lock.release, 0, ZERO_HASH, 0, options.now ?? (() => new Date()), undefined);
    log.redact = options.redact;
    // The first event binds the log to its session id: a folder copied under another id no longer verifies.
    log.append(type, { session: basename(dir), ...fields });
    return log;
  }

  /** Reopen a session to append to it: checks the chain, moves a torn tail aside, takes the lock. */
  static open(dir: string, options: LogOptions = {}): OpenedLog {
    const lock = acquireLock(dir);
    try {
      const path = join(dir, LOG_FILE);
      const bytes = readFileSync(path);
      const lastNewline = bytes.lastIndexOf(0x0a);
      const complete = bytes.subarray(0, lastNewline + 1);
      const tail = bytes.subarray(lastNewline + 1);
      const chain = checkChain(splitLines(complete));
      if (!chain.ok) throw new TamperedLogError(chain.badLine!, chain.reason!);
      const last = chain.events[chain.events.length - 1];
      if (last?.type === 'sealed') throw new SealedLogError();
      const fd = openSync(path, 'r+');
      let recovered: OpenedLog['recovered'];
      if (tail.length) {
        const file = `${LOG_FILE}.torn-${chain.events.length}-${Date.now()}`;
        writeNewFileDurable(join(dir, file), tail);
        ftruncateSync(fd, complete.length);
        fsyncSync(fd);
        recovered = { file, bytes: tail.length, sha256: sha256Hex(tail) };
      }
      const log = new SessionLog(dir, fd, lock.release, chain.events.length, chain.head, complete.length, options.now ?? (() => new Date()), last?.type);
      log.redact = options.redact;
      const events = recovered ? [...chain.events, log.append('recovered', { torn: recovered })] : chain.events;
      return { log, events, recovered, staleHolder: lock.staleHolder };
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  get seq(): number {
    return this.nextSeq;
  }

  /** SHA-256 of the last line written. */
  get head(): string {
    return this.headHash;
  }

  get sealed(): boolean {
    return this.lastType === 'sealed';
  }

  /** Write one event and fsync it. Returns the event as recorded. */
  append(type: string, fields: Record<string, unknown> = {}): EventRecord {
    if (this.closed) throw new Error('the session log is closed');
    if (this.lastType === 'sealed') throw new SealedLogError();
    const body: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(fields)) if (!RESERVED.has(key) && value !== undefined) body[key] = value;
    if (this.redact) {
      // The safety net: every text that reaches the log passes the redactor, whoever built the event.
      const counts: RedactionCounts = {};
      const redacted = this.redact(body, counts);
      for (const key of Object.keys(body)) body[key] = redacted[key];
      if (Object.keys(counts).length) {
        const earlier = (body.redactions ?? {}) as RedactionCounts;
        for (const [kind, n] of Object.entries(counts)) earlier[kind as keyof RedactionCounts] = (earlier[kind as keyof RedactionCounts] ?? 0) + (n ?? 0);
        body.redactions = earlier;
      }
    }
    const event: EventRecord = { seq: this.nextSeq, ts: this.now().toISOString(), type, prev: this.headHash, ...body };
    const line = Buffer.from(JSON.stringify(event), 'utf8');
    const bytes = Buffer.concat([line, Buffer.from('\n')]);
    try {
      let written = 0;
      while (written < bytes.length) written += writeSync(this.fd, bytes, written, bytes.length - written, this.size + written);
      fsyncSync(this.fd);
    } catch (error) {
      // A half-written line (disk full) would break the chain for every later event: take it back.
      try {
        ftruncateSync(this.fd, this.size);
      } catch {
        // The size check on the next open cuts it off as a torn line instead.
      }
      throw storageFault(error, `record the ${type} event`, join(this.dir, LOG_FILE), 'nothing of it was kept, and the session stays verifiable and resumable');
    }
    this.before = { size: this.size, head: this.headHash, type: this.lastType };
    this.size += bytes.length;
    this.nextSeq++;
    this.headHash = sha256Hex(line);
    this.lastType = type;
    return event;
  }

  /**
   * Take back the event just appended, before anyone was told it was recorded: sealing uses this when
   * the signature cannot be written (a full disk), so the log is not left sealed without a signature.
   */
  retractLast(): void {
    const before = this.before;
    if (!before) throw new Error('nothing to take back');
    ftruncateSync(this.fd, before.size);
    fsyncSync(this.fd);
    this.size = before.size;
    this.headHash = before.head;
    this.lastType = before.type;
    this.nextSeq--;
    this.before = undefined;
  }

  /** Bytes of the log as written, for signing. */
  contents(): Buffer {
    const size = fstatSync(this.fd).size;
    const out = Buffer.alloc(size);
    let read = 0;
    while (read < size) read += readSync(this.fd, out, read, size - read, read);
    return out;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
    this.releaseLock();
  }
}
