// Every runbook a session ran, kept by its SHA-256, so that the next session on the same file can show
// what changed since (`$XDG_STATE_HOME/runbook/runbooks/<sha256>.md`). Copies are written once and
// never change; losing one only loses the "what changed" summary.

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sha256Hex } from './chain.js';
import { stateDir } from './paths.js';

/** Where copies are kept: beside the sessions folder (`sessionRoot`, when not the default), else in the state folder. */
export type CopiesPlace = NodeJS.ProcessEnv | { sessionRoot: string };

const copiesDir = (place: CopiesPlace) => (typeof place.sessionRoot === 'string' ? join(dirname(place.sessionRoot), 'runbooks') : join(stateDir(place as NodeJS.ProcessEnv), 'runbooks'));

/** Keep the bytes of a runbook a session is starting on; returns their SHA-256. */
export function keepRunbookCopy(bytes: Buffer, env: CopiesPlace = process.env): string {
  const sha = sha256Hex(bytes);
  const path = join(copiesDir(env), `${sha}.md`);
  if (existsSync(path)) return sha;
  try {
    mkdirSync(copiesDir(env), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, bytes, { mode: 0o600 });
    renameSync(tmp, path);
  } catch {
    // A full disk or a read-only state folder costs the summary only.
  }
  return sha;
}

/** The bytes of an earlier version, when a copy was kept and still has the hash it is named by. */
export function readRunbookCopy(sha: string, env: CopiesPlace = process.env): Buffer | undefined {
  if (!/^[0-9a-f]{64}$/.test(sha)) return undefined;
  try {
    const bytes = readFileSync(join(copiesDir(env), `${sha}.md`));
    return sha256Hex(bytes) === sha ? bytes : undefined;
  } catch {
    return undefined;
  }
}
