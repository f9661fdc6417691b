// Evidence files: outputs and query results, streamed to disk (never held whole in memory), redacted
// on the way, and named by the SHA-256 of what was written.

import { createHash, randomBytes, type Hash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fsyncDir } from './durable.js';
import { storageFault, type StorageFault } from './fault.js';
import { EVIDENCE_DIR } from './log.js';
import { Redactor, type RedactionCounts, type RedactorOptions } from './redact.js';

export interface EvidenceRef {
  sha256: string;
  size: number;
  /** How many secrets of each kind were redacted on the way to disk; present only when any were. */
  redactions?: RedactionCounts;
}

export function evidencePath(sessionDir: string, sha256: string): string {
  return join(sessionDir, EVIDENCE_DIR, sha256);
}

export class EvidenceWriter {
  private readonly fd: number;
  private readonly tmp: string;
  private readonly hash: Hash = createHash('sha256');
  private readonly redactor: Redactor;
  private readonly faulted = new AbortController();
  private size = 0;
  private done = false;
  /** The write that failed (disk full, file-size limit): later writes are dropped, finish() throws it. */
  private failure: StorageFault | undefined;

  constructor(private readonly sessionDir: string, options: RedactorOptions = {}) {
    this.tmp = join(sessionDir, EVIDENCE_DIR, `.partial-${randomBytes(6).toString('hex')}`);
    try {
      this.fd = openSync(this.tmp, 'wx', 0o600);
    } catch (error) {
      throw storageFault(error, 'start an evidence file', join(sessionDir, EVIDENCE_DIR), 'nothing was run');
    }
    this.redactor = new Redactor(options);
  }

  /** Aborts when writing fails, so the runner can stop the action instead of running on unrecorded. */
  get faultSignal(): AbortSignal {
    return this.faulted.signal;
  }

  get fault(): StorageFault | undefined {
    return this.failure;
  }

  private fail(error: unknown, what: string): void {
    if (this.failure) return;
    this.failure = storageFault(error, what, join(this.sessionDir, EVIDENCE_DIR), 'the action was stopped and its partial evidence file removed');
    this.removePartial();
    this.faulted.abort(this.failure);
  }

  private removePartial(): void {
    try {
      closeSync(this.fd);
    } catch {
      // closed already
    }
    try {
      unlinkSync(this.tmp);
    } catch {
      // already gone
    }
  }

  private put(bytes: Buffer): void {
    if (!bytes.length || this.failure) return;
    try {
      let written = 0;
      while (written < bytes.length) written += writeSync(this.fd, bytes, written, bytes.length - written);
    } catch (error) {
      this.fail(error, 'write evidence');
      return;
    }
    this.hash.update(bytes);
    this.size += bytes.length;
  }

  /** Redact and write a chunk; returns the redacted bytes (for a display tail), even after a failed write. */
  write(chunk: Buffer | string): Buffer {
    const out = this.redactor.write(chunk);
    this.put(out);
    return out;
  }

  /**
   * Write the last line when it has no newline (held back until now in case a secret continued in
   * the next chunk); returns its redacted bytes for the screen. Safe to call more than once.
   */
  end(): Buffer {
    const rest = this.redactor.end();
    this.put(rest);
    return rest;
  }

  /** Flush the last partial line, fsync, and name the file by its hash. Throws the StorageFault of a failed write. */
  finish(): EvidenceRef {
    if (this.done) throw new Error('evidence already finished');
    this.done = true;
    this.end();
    if (this.failure) throw this.failure;
    const sha256 = this.hash.digest('hex');
    const final = evidencePath(this.sessionDir, sha256);
    try {
      fsyncSync(this.fd);
      closeSync(this.fd);
      // Identical content is stored once.
      if (existsSync(final)) unlinkSync(this.tmp);
      else renameSync(this.tmp, final);
      fsyncDir(join(this.sessionDir, EVIDENCE_DIR));
    } catch (error) {
      this.fail(error, 'save evidence');
      throw this.failure!;
    }
    const ref: EvidenceRef = { sha256, size: this.size };
    if (this.redactor.total) ref.redactions = { ...this.redactor.counts };
    return ref;
  }

  abort(): void {
    if (this.done) return;
    this.done = true;
    if (!this.failure) this.removePartial();
  }
}

/** Store a whole buffer or string as evidence (attachments, pasted text). */
export function writeEvidence(sessionDir: string, data: Buffer | string, options: RedactorOptions = {}): EvidenceRef {
  const writer = new EvidenceWriter(sessionDir, options);
  try {
    writer.write(data);
  } catch (error) {
    writer.abort();
    throw error;
  }
  return writer.finish();
}
