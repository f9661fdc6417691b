// What an exported session archive holds, and nothing else: one folder named after the session with
// the log, its signature, the evidence, the report, the signer's allowed_signers line and a README.

export const ARCHIVE_SIGNERS = 'allowed_signers';
export const ARCHIVE_REPORT = 'report.md';
export const ARCHIVE_README = 'README.md';

/** A session id as the folder name at the top of the archive: no separators, no dot-only names. */
export const SESSION_FOLDER = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,200}$/;

const FILES = /^(session\.jsonl|session\.jsonl\.sig|allowed_signers|report\.md|README\.md|evidence\/[0-9a-f]{64})$/;

/** Whether `path` (as stored in the archive) is one the layout allows: a file, or one of its two folders. */
export function allowedEntry(path: string, type: 'file' | 'directory'): boolean {
  const clean = path.replace(/\/$/, '');
  const slash = clean.indexOf('/');
  const top = slash < 0 ? clean : clean.slice(0, slash);
  const rest = slash < 0 ? '' : clean.slice(slash + 1);
  if (!SESSION_FOLDER.test(top)) return false;
  if (type === 'directory') return rest === '' || rest === 'evidence';
  return FILES.test(rest);
}
