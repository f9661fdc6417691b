import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CheckFailedError, UsageError } from '../errors.js';
import { colorEnabled, makeStyle } from '../format/style.js';
import { resolveSession } from '../session/catalog.js';
import { keyFiles } from '../session/signer.js';
import { verifySession, type VerifyResult } from '../session/verify.js';
import { terminalSafe, visible } from '../format/terminal.js';

export interface VerifyCommandOptions {
  json?: boolean;
  allowedSigners?: string;
  store?: string;
  /** An archive: accept the key it carries (after checking its fingerprint with the signer). */
  trustArchiveKey?: boolean;
}

const ARCHIVE_FILE = /\.(tar\.gz|tgz)$/;

export function describeVerification(result: VerifyResult): string[] {
  const style = makeStyle(colorEnabled());
  const lines: string[] = [];
  const id = visible(result.path.split(/[\\/]/).filter(Boolean).pop() ?? '');
  const reason = visible(result.reason ?? '');
  const state = result.sealed ? 'sealed' : 'NOT SEALED (interrupted or still open)';
  if (result.ok) lines.push(`${style.green('✓')} ${style.bold(id ?? '')}: ${result.sealed ? 'verified' : 'chain intact'}, ${state}`);
  else if (result.firstBadLine !== undefined) lines.push(`${style.red('✗')} ${style.bold(id ?? '')}: line ${result.firstBadLine} is bad: ${reason}.`);
  else lines.push(`${style.red('✗')} ${style.bold(id ?? '')}: ${reason}.`);
  lines.push(`  ${result.events} events · chain ${result.chainIntact ? 'intact' : 'BROKEN'} · evidence ${result.evidence.checked - result.evidence.bad}/${result.evidence.checked} intact · signature ${result.signature}`);
  if (result.signer) lines.push(`  signed by ${visible(result.signer)}${result.fingerprint ? ` (${result.fingerprint})` : ''}`);
  if (result.tornBytes) lines.push(`  ${result.tornBytes} bytes after the last complete line (a line being written when the process stopped)`);
  lines.push(`  head ${result.head}`);
  return lines;
}

/**
 * The session id the log records in its started event, when it is not the folder's name: the folder
 * was renamed, or holds another session's log. Logs from before the id was recorded say nothing.
 */
export function sessionIdMismatch(dir: string): string | undefined {
  try {
    const fd = openSync(join(dir, 'session.jsonl'), 'r');
    const head = Buffer.alloc(64 * 1024);
    const n = readSync(fd, head, 0, head.length, 0);
    closeSync(fd);
    const first = head.subarray(0, n).toString('utf8').split('\n')[0] ?? '';
    const claimed = (JSON.parse(first) as { session?: unknown }).session;
    const id = basename(dir);
    if (typeof claimed === 'string' && claimed !== id) return `its log is session ${visible(claimed)}, not ${visible(id)}: the folder was renamed or holds another session's log`;
  } catch {
    // No log or a damaged first line: the chain check says so.
  }
  return undefined;
}

/** `runbook verify SESSION`: exit 0 when the log can be trusted, 1 when it cannot. */
export async function verifyCommand(ref: string, options: VerifyCommandOptions): Promise<void> {
  if (options.store) return verifyStoreCommand(ref, options as VerifyCommandOptions & { store: string });
  if (ARCHIVE_FILE.test(ref) || isGzipFile(ref)) return verifyArchiveCommand(ref, options);
  const { exportedSessionIn } = await import('../archive/verifyArchive.js');
  const exported = exportedSessionIn(ref) ?? onlyChild(ref, exportedSessionIn);
  if (exported) return verifyExportedFolder(exported, options);
  if (options.trustArchiveKey) throw new UsageError('--trust-archive-key applies to an exported archive (FILE.tar.gz or its unpacked folder) only.');
  const dir = resolveSession(ref);
  const result = await verifySession(dir, { allowedSigners: options.allowedSigners ?? keyFiles().allowedSigners });
  const mismatch = sessionIdMismatch(dir);
  if (mismatch) Object.assign(result, { ok: false, reason: result.firstBadLine !== undefined ? result.reason : mismatch });
  if (options.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else process.stdout.write(describeVerification(result).join('\n') + '\n');
  if (!result.ok) throw new CheckFailedError(result.firstBadLine !== undefined ? `verification failed at line ${result.firstBadLine}` : mismatch ? 'verification failed: the log belongs to another session' : 'verification failed');
}

async function verifyStoreCommand(ref: string, options: VerifyCommandOptions & { store: string }): Promise<void> {
  const { verifyStore, describeStoredEvidence } = await import('../store/verifyStore.js');
  let localDir: string | undefined;
  let id = ref;
  try {
    localDir = resolveSession(ref);
    id = localDir.split(/[\\/]/).filter(Boolean).pop()!;
  } catch {
    // Only in the store: verify it alone.
  }
  const result = await verifyStore({ connectionString: options.store }, id, localDir, options.allowedSigners ?? keyFiles().allowedSigners);
  if (options.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else {
    process.stdout.write(['Store:', ...describeVerification(result.store)].join('\n') + '\n');
    if (result.local) process.stdout.write(['Local:', ...describeVerification(result.local)].join('\n') + '\n');
    process.stdout.write(describeStoredEvidence(result.evidence).join('\n') + '\n');
    process.stdout.write(result.differences.length ? `Differences:\n${result.differences.map((d) => `  - ${terminalSafe(d)}`).join('\n')}\n` : result.local ? 'The store and the local log hold the same events.\n' : '');
  }
  if (!result.ok) throw new CheckFailedError(result.differences[0] ?? `the stored copy did not verify${result.store.firstBadLine ? ` (line ${result.store.firstBadLine})` : ''}`);
}

/** A file that starts as gzip does (an archive renamed), as opposed to a session.jsonl given by path. */
function isGzipFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    const fd = openSync(path, 'r');
    const magic = Buffer.alloc(2);
    readSync(fd, magic, 0, 2, 0);
    closeSync(fd);
    return magic[0] === 0x1f && magic[1] === 0x8b;
  } catch {
    return false;
  }
}

/** An unpacked archive is a folder holding the session folder: look one level down. */
function onlyChild(path: string, accept: (p: string) => string | undefined): string | undefined {
  if (!existsSync(path) || !statSync(path).isDirectory()) return undefined;
  const children = readdirSync(path, { withFileTypes: true }).filter((d) => d.isDirectory());
  return children.length === 1 ? accept(join(path, children[0]!.name)) : undefined;
}

async function verifyArchiveCommand(file: string, options: VerifyCommandOptions): Promise<void> {
  const { unpackArchive } = await import('../archive/unpack.js');
  const unpacked = await unpackArchive(file);
  try {
    await verifyExportedFolder(unpacked.dir, options, file);
  } finally {
    unpacked.cleanup();
  }
}

async function verifyExportedFolder(dir: string, options: VerifyCommandOptions, archive?: string): Promise<void> {
  const { verifyExported } = await import('../archive/verifyArchive.js');
  const local = options.allowedSigners ?? keyFiles().allowedSigners;
  const check = await verifyExported(dir, { localAllowedSigners: local, ...(options.trustArchiveKey ? { trustArchiveKey: true } : {}) });
  const mismatch = sessionIdMismatch(dir);
  if (mismatch) {
    check.problems.unshift(mismatch);
    check.ok = false;
  }
  const { result } = check;
  if (options.json) {
    // The same fields as for a session (ok, sealed, events, signer, firstBadLine, …), with ok meaning
    // intact and trusted, and where the key came from and who trusts it.
    const { result: integrity, ...trust } = check;
    process.stdout.write(JSON.stringify({ ...integrity, ...trust, intact: integrity.ok, ...(archive ? { archive } : {}) }, null, 2) + '\n');
  }
  else {
    const style = makeStyle(colorEnabled());
    const lines = describeVerification(result);
    lines.push(`  key: the archive's own allowed_signers line was used to check the signature${result.fingerprint ? ` (${result.fingerprint})` : ''}`);
    for (const problem of check.problems) lines.push(`  ${style.red('✗')} ${problem}.`);
    lines.push("  report.md is a draft drawn from the log and is not covered by the signature: the log is the record.");
    if (check.trustedLocally) lines.push(`  ${style.green('trusted')}: ${visible(result.signer ?? '')} with this key is in your allowed_signers (${local})`);
    else if (check.trustedBy === '--trust-archive-key') lines.push(`  ${style.yellow('trusted because you said so')} (--trust-archive-key): this key is NOT in your allowed_signers (${local})`);
    else if (result.sealed && result.signature === 'valid') {
      lines.push(
        `  ${style.red('NOT TRUSTED')}: this key is not in your allowed_signers (${local}). The files are intact and were signed by this key, but nothing says who holds it.`,
        `  Compare ${result.fingerprint ?? 'its fingerprint'} with the signer's, then add the archive's allowed_signers line to yours or rerun with --trust-archive-key.`,
      );
    }
    process.stdout.write(lines.join('\n') + '\n');
  }
  if (!check.ok) {
    if (!result.ok || !result.sealed || result.signature !== 'valid') throw new CheckFailedError(result.firstBadLine !== undefined ? `verification failed at line ${result.firstBadLine}` : `verification failed${result.reason ? `: ${visible(result.reason)}` : ''}`);
    if (check.problems.length) throw new CheckFailedError(`the archive holds more than the signed session: ${check.problems[0]}`);
    throw new CheckFailedError('the archive is intact, but its key is not in your allowed_signers');
  }
}
