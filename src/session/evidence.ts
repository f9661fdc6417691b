// Evidence files: outputs and query results, streamed to disk (never held whole in memory), redacted
// on the way, and named by the SHA-256 of what was written.

import { createHash, randomBytes, type Hash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fsyncDir } from './durable.js';
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
  private size = 0;
  private done = false;

  constructor(private readonly sessionDir: string, options: RedactorOptions = {}) {
    this.tmp = join(sessionDir, EVIDENCE_DIR, `.partial-${randomBytes(6).toString('hex')}`);
    this.fd = openSync(this.tmp, 'wx', 0o600);
    this.redactor = new Redactor(options);
  }

  private put(bytes: Buffer): void {
    if (!bytes.length) return;
    let written = 0;
    while (written < bytes.length) written += writeSync(this.fd, bytes, written, bytes.length - written);
    this.hash.update(bytes);
    this.size += bytes.length;
  }

  /** Redact and write a chunk; returns the bytes that reached disk (for a display tail). */
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

  /** Flush the last partial line, fsync, and name the file by its hash. */
  finish(): EvidenceRef {
    if (this.done) throw new Error('evidence already finished');
    this.done = true;
    this.end();
    fsyncSync(this.fd);
    closeSync(this.fd);
    const sha256 = this.hash.digest('hex');
    const final = evidencePath(this.sessionDir, sha256);
    // Identical content is stored once.
    if (existsSync(final)) unlinkSync(this.tmp);
    else renameSync(this.tmp, final);
    fsyncDir(join(this.sessionDir, EVIDENCE_DIR));
    const ref: EvidenceRef = { sha256, size: this.size };
    if (this.redactor.total) ref.redactions = { ...this.redactor.counts };
    return ref;
  }

  abort(): void {
    if (this.done) return;
    this.done = true;
    closeSync(this.fd);
    try {
      unlinkSync(this.tmp);
    } catch {
      // already gone
    }
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
