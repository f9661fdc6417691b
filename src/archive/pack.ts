// `runbook export`: a sealed session as one .tar.gz a reviewer can check alone, on another machine:
// the log and its signature, the evidence, the report, the signer's allowed_signers line, a README.

import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { create } from 'tar';
import { UsageError } from '../errors.js';
import { visible } from '../format/terminal.js';
import { draftReport, renderMarkdown } from '../report/index.js';
import { inlineText, tableCell } from '../report/inline.js';
import { allowedSignerLine } from '../session/allowedSigners.js';
import { splitLines } from '../session/chain.js';
import { EVIDENCE_DIR, LOG_FILE, SIG_FILE } from '../session/log.js';
import { SESSION_NAMESPACE } from '../session/sshsig.js';
import { ARCHIVE_README, ARCHIVE_REPORT, ARCHIVE_SIGNERS, SESSION_FOLDER } from './layout.js';

export interface ExportResult {
  path: string;
  id: string;
  files: number;
  bytes: number;
  signer: string;
}

function sealedLine(dir: string): { signer: string; key: string } {
  const lines = splitLines(readFileSync(join(dir, LOG_FILE)));
  const last = lines.at(-1);
  let event: { type?: unknown; signer?: unknown; key?: unknown } = {};
  try {
    event = last ? JSON.parse(last.toString('utf8')) : {};
  } catch {
    // Not JSON: the same answer as a missing seal.
  }
  if (event.type !== 'sealed' || typeof event.signer !== 'string' || typeof event.key !== 'string') {
    throw new UsageError(`The session ${basename(dir)} is not sealed, so there is no signature to check; finish it first (or runbook resume it and finish).`);
  }
  return { signer: event.signer, key: event.key };
}

export function readme(id: string, signer: string, fingerprint: string | undefined): string {
  return `# Session ${id}

An exported runbook session: the append-only session log, its SSH signature, the evidence files the
log refers to (named by their SHA-256), a draft report, and the signer's public key as an
\`allowed_signers\` line.

| File | What it is |
|---|---|
| \`session.jsonl\` | The session log: one JSON event per line, each holding the SHA-256 of the line before it (\`prev\`). |
| \`session.jsonl.sig\` | An OpenSSH signature (\`ssh-keygen -Y sign\`, namespace \`runbook-session\`) over the whole log. |
| \`evidence/\` | Outputs and query results; each file is named by its SHA-256, and the log records hash and size. |
| \`report.md\` | The report drafted from the log. It is derived, not signed: the log is the record. |
| \`allowed_signers\` | The key the session was sealed with, for ${tableCell(inlineText(signer))}${fingerprint ? ` (${fingerprint})` : ''}. |

## Whose key is it?

The \`allowed_signers\` file comes from the archive itself. A valid signature proves that the log is
unchanged since the holder of that key sealed it; it does not prove who holds the key. Compare the
key's fingerprint with one you obtained from the signer another way (their team's allowed_signers
file, a ticket, a call) before you rely on it.

## Check it with runbook

\`\`\`sh
runbook verify ${id}.tar.gz                      # or the unpacked folder; npx runbook … from a runbook checkout
runbook verify ${id}.tar.gz --trust-archive-key  # accept the archive's own key once you have checked it
\`\`\`

It checks every line of the chain, every evidence file's size and hash, and the signature, and says
whether the key is in your own allowed_signers.

## Check it with stock OpenSSH

\`\`\`sh
ssh-keygen -l -f allowed_signers                 # the fingerprint to compare with the signer's
ssh-keygen -Y verify -f allowed_signers -I '${visible(signer).replace(/'/g, `'\\''`)}' -n runbook-session \\
  -s session.jsonl.sig < session.jsonl
# The chain: each line's "prev" is the SHA-256 of the line before it.
python3 -c 'import hashlib,json,sys
prev="0"*64
for n,line in enumerate(open("session.jsonl","rb").read().split(b"\\n")[:-1]):
    assert json.loads(line)["prev"]==prev, "line %d breaks the chain" % (n+1)
    prev=hashlib.sha256(line).hexdigest()
print("chain intact")'
sha256sum evidence/*                              # each name is its own SHA-256
\`\`\`
`;
}

/** Write the archive of a sealed session to `out` (.tar.gz). */
export async function exportSession(dir: string, out: string, options: { allowedSigners?: string } = {}): Promise<ExportResult> {
  if (!/\.(tar\.gz|tgz)$/.test(out)) throw new UsageError(`--out must name a .tar.gz file, not "${out}".`);
  const id = basename(dir);
  if (!SESSION_FOLDER.test(id)) throw new UsageError(`The session folder name "${id}" cannot be a folder in an archive.`);
  const { signer, key } = sealedLine(dir);
  const data = await draftReport(dir, options);
  const v = data.verification;
  if (data.header.recordedId) throw new UsageError(`The folder ${id} holds the log of session ${data.header.recordedId}; export it under its own name.`);
  if (v.firstBadLine !== undefined || !v.chainIntact || v.evidence.bad) {
    throw new UsageError(`The session ${id} does not verify (${v.reason ?? 'see runbook verify'}); an archive of it would not either.`);
  }
  const staging = mkdtempSync(join(tmpdir(), 'runbook-export-'));
  try {
    const folder = join(staging, id);
    mkdirSync(join(folder, EVIDENCE_DIR), { recursive: true });
    copyFileSync(join(dir, LOG_FILE), join(folder, LOG_FILE));
    copyFileSync(join(dir, SIG_FILE), join(folder, SIG_FILE));
    let files = 2;
    let bytes = statSync(join(dir, LOG_FILE)).size + statSync(join(dir, SIG_FILE)).size;
    const evidence = join(dir, EVIDENCE_DIR);
    for (const name of readdirSync(evidence, { withFileTypes: true })) {
      if (!name.isFile() || !/^[0-9a-f]{64}$/.test(name.name)) continue;
      copyFileSync(join(evidence, name.name), join(folder, EVIDENCE_DIR, name.name));
      bytes += statSync(join(evidence, name.name)).size;
      files++;
    }
    // The report's links point into the archive's own folder; its printed commands are the plain ones.
    data.session.dir = folder;
    const report = renderMarkdown(data, { linkBase: folder, command: () => `runbook verify ${id}.tar.gz`, sessionPath: '.', allowedSignersPath: ARCHIVE_SIGNERS });
    writeFileSync(join(folder, ARCHIVE_REPORT), report);
    writeFileSync(join(folder, ARCHIVE_SIGNERS), `${allowedSignerLine(signer, key, SESSION_NAMESPACE)}\n`);
    writeFileSync(join(folder, ARCHIVE_README), readme(id, signer, v.fingerprint));
    files += 3;
    try {
      await create({ gzip: true, file: out, cwd: staging, portable: true }, [id]);
    } catch (error) {
      throw new UsageError(`Cannot write ${out}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
    }
    return { path: out, id, files, bytes, signer };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
