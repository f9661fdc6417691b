// Verifying a session's mirror in the team store the same way as the local log, and comparing the two.

import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClientConfig } from 'pg';
import { UsageError } from '../errors.js';
import { splitLines, sha256Hex } from '../session/chain.js';
import { LOG_FILE, SIG_FILE } from '../session/log.js';
import { verifySession, type VerifyResult } from '../session/verify.js';

export interface StoreVerification {
  ok: boolean;
  store: VerifyResult;
  local?: VerifyResult;
  /** The login role the store records as the session's owner (schema 2 on). */
  owner?: string;
  /** Where the store and the local log disagree; empty when they match or there is no local log. */
  differences: string[];
}

export async function fetchStoredLog(database: ClientConfig, sessionId: string): Promise<{ lines: string[]; signature?: string; owner?: string }> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ ...database, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    // owner_role exists from schema 2 on: the login role that recorded the session in the store.
    const session = await client.query<{ signature: string | null; owner: string | null }>("select signature, to_jsonb(s) ->> 'owner_role' as owner from runbook_sessions s where id = $1", [sessionId]);
    if (!session.rows.length) throw new UsageError(`The store has no session "${sessionId}".`);
    const events = await client.query<{ line: string }>('select line from runbook_events where session_id = $1 order by seq', [sessionId]);
    const row = session.rows[0]!;
    return { lines: events.rows.map((r) => r.line), ...(row.signature ? { signature: row.signature } : {}), ...(row.owner ? { owner: row.owner } : {}) };
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function verifyStore(database: ClientConfig, sessionId: string, localDir: string | undefined, allowedSigners: string): Promise<StoreVerification> {
  const { lines, signature, owner } = await fetchStoredLog(database, sessionId);
  const copy = mkdtempSync(join(tmpdir(), 'runbook-store-'));
  try {
    writeFileSync(join(copy, LOG_FILE), lines.map((l) => `${l}\n`).join(''));
    if (signature) writeFileSync(join(copy, SIG_FILE), signature);
    const store = await verifySession(copy, { allowedSigners, evidence: false, sessionId });
    store.path = `store:${sessionId}`;
    const differences: string[] = [];
    let local: VerifyResult | undefined;
    if (localDir && existsSync(join(localDir, LOG_FILE))) {
      local = await verifySession(localDir, { allowedSigners });
      const localLines = splitLines(readFileSync(join(localDir, LOG_FILE)));
      const count = Math.min(localLines.length, lines.length);
      for (let i = 0; i < count; i++) {
        if (sha256Hex(localLines[i]!) !== sha256Hex(lines[i]!)) {
          differences.push(`event ${i} differs between the store and the local log`);
          break;
        }
      }
      if (lines.length < localLines.length) differences.push(`the store is behind: it has ${lines.length} of the ${localLines.length} local events`);
      if (lines.length > localLines.length) differences.push(`the store has ${lines.length - localLines.length} events the local log does not`);
      const localSig = join(localDir, SIG_FILE);
      if (existsSync(localSig) && signature && readFileSync(localSig, 'utf8') !== signature) differences.push('the stored signature differs from the local one');
    }
    return { ok: store.ok && differences.length === 0, store, ...(owner ? { owner } : {}), ...(local ? { local } : {}), differences };
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}
