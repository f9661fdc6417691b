// Checking an exported session on another machine. Integrity is checked against the key the archive
// carries; whether that key is trusted is the verifier's decision, never the archive's: it must be in
// the verifier's own allowed_signers, or accepted explicitly with --trust-archive-key.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { visible } from '../format/terminal.js';
import { isAllowed, parseAllowedSigners } from '../session/allowedSigners.js';
import { fingerprint, parsePublicKeyLine } from '../session/keys.js';
import { EVIDENCE_DIR, LOG_FILE } from '../session/log.js';
import { SESSION_NAMESPACE } from '../session/sshsig.js';
import { verifySession, type VerifyResult } from '../session/verify.js';
import { allowedEntry, ARCHIVE_README, ARCHIVE_REPORT, ARCHIVE_SIGNERS } from './layout.js';
import { readme } from './pack.js';

export interface ArchiveVerification {
  /** The check against the archive's own allowed_signers: chain, evidence, signature. */
  result: VerifyResult;
  /** Always "archive": the key used for the signature came with the archive. */
  keySource: 'archive';
  /** The verifier's allowed_signers, and whether it trusts the signer's key. */
  localAllowedSigners: string;
  trustedLocally: boolean;
  /** Why the verdict is trusted: the local file, the explicit flag, or nothing. */
  trustedBy?: 'allowed_signers' | '--trust-archive-key';
  /** What the folder holds beyond the signed session, or a report drawn from another log, one sentence each. */
  problems: string[];
  ok: boolean;
}

/**
 * Files the signature does not vouch for: names the layout does not have, evidence the log never
 * refers to (the README tells the reviewer to sha256sum evidence/*: a planted file would look like
 * evidence), and a report.md whose head hash is not this log's (a report swapped in from another session).
 */
export function unsignedContent(dir: string, head: string, signer: string | undefined, keyFingerprint: string | undefined): string[] {
  const problems: string[] = [];
  const log = readFileSync(join(dir, LOG_FILE), 'latin1');
  const top = basename(dir);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const type = entry.isDirectory() ? 'directory' : entry.isFile() ? 'file' : undefined;
    if (!type || !allowedEntry(`${top}/${entry.name}`, type)) problems.push(`${visible(entry.name)} is not part of the exported session`);
  }
  if (existsSync(join(dir, EVIDENCE_DIR)) && statSync(join(dir, EVIDENCE_DIR)).isDirectory()) {
    for (const entry of readdirSync(join(dir, EVIDENCE_DIR), { withFileTypes: true })) {
      const path = `${EVIDENCE_DIR}/${entry.name}`;
      if (!entry.isFile() || !allowedEntry(`${top}/${path}`, 'file')) problems.push(`${visible(path)} is not part of the exported session`);
      else if (!log.includes(entry.name)) problems.push(`${path} is not referred to by the log`);
    }
  }
  // The README tells the reviewer what to run: it must be the one export writes, word for word.
  const readmePath = join(dir, ARCHIVE_README);
  if (existsSync(readmePath) && signer !== undefined && readFileSync(readmePath, 'utf8') !== readme(top, signer, keyFingerprint)) {
    problems.push('README.md is not the one runbook export writes: do not follow its instructions');
  }
  const report = join(dir, ARCHIVE_REPORT);
  if (existsSync(report)) {
    const named = /Head hash: `([0-9a-f]{64})`/.exec(readFileSync(report, 'utf8'))?.[1];
    if (named !== head) problems.push(`report.md was not drawn from this log (it names ${named ? `head ${named.slice(0, 16)}…` : 'no head hash'}, the log's head is ${head.slice(0, 16)}…)`);
  }
  return problems;
}

/** A folder that is an exported session: the log with the archive's allowed_signers beside it. */
export function exportedSessionIn(path: string): string | undefined {
  if (!existsSync(path) || !statSync(path).isDirectory()) return undefined;
  if (existsSync(join(path, LOG_FILE)) && existsSync(join(path, ARCHIVE_SIGNERS))) return path;
  return undefined;
}

export async function verifyExported(dir: string, options: { localAllowedSigners: string; trustArchiveKey?: boolean }): Promise<ArchiveVerification> {
  const result = await verifySession(dir, { allowedSigners: join(dir, ARCHIVE_SIGNERS) });
  let trustedLocally = false;
  if (result.signer && result.key && existsSync(options.localAllowedSigners)) {
    try {
      const key = parsePublicKeyLine(result.key);
      trustedLocally = isAllowed(parseAllowedSigners(readFileSync(options.localAllowedSigners, 'utf8')), result.signer, key, SESSION_NAMESPACE) && fingerprint(key) === result.fingerprint;
    } catch {
      trustedLocally = false;
    }
  }
  const trustedBy = trustedLocally ? 'allowed_signers' : options.trustArchiveKey ? '--trust-archive-key' : undefined;
  const problems = unsignedContent(dir, result.head, result.signer, result.fingerprint);
  return {
    result,
    problems,
    keySource: 'archive',
    localAllowedSigners: options.localAllowedSigners,
    trustedLocally,
    ...(trustedBy ? { trustedBy } : {}),
    ok: result.ok && result.sealed && result.signature === 'valid' && trustedBy !== undefined && !problems.length,
  };
}
