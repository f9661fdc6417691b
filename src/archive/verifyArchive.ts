// Checking an exported session on another machine. Integrity is checked against the key the archive
// carries; whether that key is trusted is the verifier's decision, never the archive's: it must be in
// the verifier's own allowed_signers, or accepted explicitly with --trust-archive-key.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isAllowed, parseAllowedSigners } from '../session/allowedSigners.js';
import { fingerprint, parsePublicKeyLine } from '../session/keys.js';
import { LOG_FILE } from '../session/log.js';
import { SESSION_NAMESPACE } from '../session/sshsig.js';
import { verifySession, type VerifyResult } from '../session/verify.js';
import { ARCHIVE_SIGNERS } from './layout.js';

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
  ok: boolean;
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
  return {
    result,
    keySource: 'archive',
    localAllowedSigners: options.localAllowedSigners,
    trustedLocally,
    ...(trustedBy ? { trustedBy } : {}),
    ok: result.ok && result.sealed && result.signature === 'valid' && trustedBy !== undefined,
  };
}
