// Verification: the chain line by line, every evidence file, and the signature against allowed_signers.
// It names the first bad line and why, so a reviewer knows exactly what cannot be trusted.

import { createHash } from 'node:crypto';
import { closeSync, constants, existsSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { basename, join } from 'node:path';
import { checkChain, sha256Hex, splitLines, type EventRecord } from './chain.js';
import { evidencePath, type EvidenceRef } from './evidence.js';
import { fingerprint } from './keys.js';
import { LOG_FILE, SIG_FILE } from './log.js';
import { checkAllowed, parseAllowedSigners, type SignerCheck } from './allowedSigners.js';
import { SESSION_NAMESPACE, verifyMessage } from './sshsig.js';

export type SignatureState = 'valid' | 'invalid' | 'untrusted' | 'missing' | 'none';

export interface VerifyResult {
  ok: boolean;
  sealed: boolean;
  /** Complete lines in the log. */
  events: number;
  /** Whether every complete line chains to the one before it. */
  chainIntact: boolean;
  signature: SignatureState;
  signer?: string;
  key?: string;
  fingerprint?: string;
  /** SHA-256 of the last complete line. */
  head: string;
  firstBadLine?: number;
  reason?: string;
  evidence: { checked: number; bad: number };
  /** Bytes after the last newline: a line being written when the process died. */
  tornBytes?: number;
  path: string;
}

export interface VerifyOptions {
  allowedSigners?: string;
  /** Check evidence files too (a copy from the team store has none). */
  evidence?: boolean;
  /** The session id the log must name (default: the folder's name); a copy from the store passes its id. */
  sessionId?: string;
}

function evidenceRefsOf(event: EventRecord): EvidenceRef[] {
  const refs: EvidenceRef[] = [];
  const visit = (value: unknown) => {
    if (!value || typeof value !== 'object') return;
    const v = value as Record<string, unknown>;
    if (typeof v.sha256 === 'string' && typeof v.size === 'number' && /^[0-9a-f]{64}$/.test(v.sha256)) refs.push(v as unknown as EvidenceRef);
    else for (const inner of Object.values(v)) visit(inner);
  };
  visit(event.evidence);
  return refs;
}

const READ_BUFFER_BYTES = 64 * 1024;
/** Files hashed between two turns of the event loop, so a screen that verifies stays responsive. */
const FILES_PER_TURN = 256;

/**
 * What is wrong with an evidence file (missing, wrong size, changed), or undefined when it is intact:
 * one open, one fstat, and reads into one reused buffer. Synchronous on purpose: evidence files are
 * small and in the page cache, and a round trip through the thread pool per call cost 4× the hashing
 * (20k files: 4.0 s with 8 in flight through fs/promises, 0.9 s like this; see the README).
 */
function evidenceProblem(file: string, ref: EvidenceRef, buffer: Buffer): string | undefined {
  const name = `evidence/${ref.sha256}`;
  let fd: number;
  try {
    // Non-blocking, so a named pipe put in a file's place is opened (and named) instead of waited on.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return `its evidence file ${name} is missing`;
    return `its evidence file ${name} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return `its evidence file ${name} is not a file`;
    if (stats.size !== ref.size) return `its evidence file ${name} has ${stats.size} bytes, not ${ref.size}`;
    const hash = createHash('sha256');
    let bytesRead: number;
    while ((bytesRead = readSync(fd, buffer, 0, buffer.length, null)) > 0) hash.update(buffer.subarray(0, bytesRead));
    return hash.digest('hex') === ref.sha256 ? undefined : `its evidence file ${name} was changed`;
  } finally {
    closeSync(fd);
  }
}

/** Check every reference, one file at a time with one buffer; each distinct file is read once. */
async function checkEvidence(dir: string, refs: Array<{ line: number; ref: EvidenceRef }>, onProblem: (line: number, problem: string) => void): Promise<void> {
  const verdicts = new Map<string, string | undefined>();
  const buffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  for (let i = 0; i < refs.length; i++) {
    if (i && i % FILES_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
    const { line, ref } = refs[i]!;
    const key = `${ref.sha256}:${ref.size}`;
    if (!verdicts.has(key)) verdicts.set(key, evidenceProblem(evidencePath(dir, ref.sha256), ref, buffer));
    const problem = verdicts.get(key);
    if (problem) onProblem(line, problem);
  }
}

export async function verifySession(dir: string, options: VerifyOptions = {}): Promise<VerifyResult> {
  return (await verifySessionLog(dir, options)).result;
}

/**
 * Verify, and hand back the events as parsed on the way when every line of the log is a whole, chained
 * event (no damage, no torn tail), so a report reads and parses the log once.
 */
export async function verifySessionLog(dir: string, options: VerifyOptions = {}): Promise<{ result: VerifyResult; events?: EventRecord[] }> {
  const path = join(dir, LOG_FILE);
  const bytes = readFileSync(path);
  const lastNewline = bytes.lastIndexOf(0x0a);
  const lines = splitLines(bytes.subarray(0, lastNewline + 1));
  const tornBytes = bytes.length - (lastNewline + 1);
  const chain = checkChain(lines);
  const events = chain.events;
  const result: VerifyResult = {
    ok: false,
    sealed: false,
    events: lines.length,
    chainIntact: chain.ok,
    signature: 'none',
    head: chain.ok ? chain.head : sha256Hex(lines[lines.length - 1] ?? ''),
    evidence: { checked: 0, bad: 0 },
    path: dir,
    ...(tornBytes ? { tornBytes } : {}),
  };
  const bad = (line: number, reason: string): VerifyResult => {
    if (result.firstBadLine === undefined || line < result.firstBadLine) {
      result.firstBadLine = line;
      result.reason = reason;
    }
    result.ok = false;
    return result;
  };
  // The first event binds the log to its session: a folder's contents copied under another id fail.
  const expectedId = options.sessionId ?? basename(dir);
  const boundId = events[0]?.session;
  if (boundId !== undefined && boundId !== expectedId) {
    bad(1, `it names session ${JSON.stringify(boundId)}, but this is session ${JSON.stringify(expectedId)}: the log was copied from another session`);
  }
  // The seal: the `sealed` event must be the last line, and the signature must cover exactly the log up to it.
  const sealedAt = events.findIndex((e) => e.type === 'sealed');
  const hasSig = existsSync(join(dir, SIG_FILE));
  let signedBytes = bytes;
  if (sealedAt >= 0) {
    const sealed = events[sealedAt]!;
    result.sealed = true;
    result.signer = typeof sealed.signer === 'string' ? sealed.signer : undefined;
    result.key = typeof sealed.key === 'string' ? sealed.key : undefined;
    const sealedEnd = lines.slice(0, sealedAt + 1).reduce((n, line) => n + line.length + 1, 0);
    signedBytes = bytes.subarray(0, sealedEnd);
    if (sealedAt < lines.length - 1) bad(sealedAt + 2, 'it was added after the session was sealed');
    else if (tornBytes) bad(lines.length + 1, 'bytes were added after the session was sealed');
  }
  const check = hasSig ? verifyMessage(signedBytes, readFileSync(join(dir, SIG_FILE), 'utf8')) : undefined;
  // A line added after the seal breaks the chain too (its prev may even blame the sealed line). When the
  // signature proves everything up to the sealed line, what follows it is named as added, not changed.
  const sealVouches = sealedAt >= 0 && check?.ok === true;
  if (!chain.ok && !(sealVouches && chain.badLine! > sealedAt)) bad(chain.badLine!, chain.reason!);
  if (hasSig && check) {
    if (check.key) result.fingerprint = fingerprint(check.key);
    if (!result.sealed && chain.ok) {
      result.signature = 'invalid';
      bad(lines.length + 1, 'the log ends early: it has a signature but its sealed line is missing');
    } else if (!check.ok) {
      result.signature = 'invalid';
      // Every earlier line is vouched for by the next line's hash; an intact chain with a bad signature
      // means the sealed line (or the signature file) was changed.
      if (chain.ok || sealedAt >= 0) bad(sealedAt >= 0 ? sealedAt + 1 : lines.length, `the signature does not match: ${check.reason}`);
    } else {
      const allowedPath = options.allowedSigners;
      const entries = allowedPath && existsSync(allowedPath) ? parseAllowedSigners(readFileSync(allowedPath, 'utf8')) : [];
      const sealedKey = result.key?.split(/\s+/)[1];
      let trust: SignerCheck | undefined;
      if (sealedKey && sealedKey !== check.key!.blob.toString('base64')) {
        result.signature = 'invalid';
        bad(sealedAt + 1, 'the key in the sealed line is not the key that signed the log');
      } else if (!allowedPath || !existsSync(allowedPath)) {
        result.signature = 'untrusted';
        result.reason ??= `no allowed_signers file${allowedPath ? ` at ${allowedPath}` : ''}: the signature is intact but nobody vouches for the key`;
      } else if (!result.signer || !(trust = checkAllowed(entries, result.signer, check.key!, SESSION_NAMESPACE)).ok) {
        result.signature = 'untrusted';
        const why = trust && !trust.ok ? `: ${trust.reason}` : '';
        result.reason ??= `the key ${fingerprint(check.key!)} is not trusted for ${result.signer ?? 'this signer'} in ${allowedPath}${why}`;
      } else {
        result.signature = 'valid';
      }
    }
  } else if (result.sealed) {
    result.signature = 'missing';
    bad(sealedAt + 1, `the session is sealed but ${SIG_FILE} is missing`);
  }

  // Evidence: every referenced file must exist with the recorded size and hash.
  const refs: Array<{ line: number; ref: EvidenceRef }> = [];
  for (let i = 0; i < (options.evidence === false ? 0 : events.length); i++) for (const ref of evidenceRefsOf(events[i]!)) refs.push({ line: i + 1, ref });
  result.evidence.checked = refs.length;
  await checkEvidence(dir, refs, (line, problem) => {
    result.evidence.bad++;
    bad(line, problem);
  });

  result.ok = result.firstBadLine === undefined && (!result.sealed || result.signature === 'valid');
  return { result, ...(chain.ok && !tornBytes ? { events } : {}) };
}
