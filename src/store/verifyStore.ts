// Verifying a session's mirror in the team store the same way as the local log, and comparing the two.

import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClientConfig } from 'pg';
import { UsageError } from '../errors.js';
import { splitLines, sha256Hex } from '../session/chain.js';
import { LOG_FILE, SIG_FILE } from '../session/log.js';
import { verifySession, type VerifyResult } from '../session/verify.js';
import { evidencePath } from '../session/evidence.js';

export interface StoreVerification {
  ok: boolean;
  store: VerifyResult;
  local?: VerifyResult;
  /** The login role the store records as the session's owner (schema 2 on). */
  owner?: string;
  /** Where the store and the local log disagree; empty when they match or there is no local log. */
  differences: string[];
  /** The evidence the store holds for this session (schema 3 on): whole files checked, excerpts only. */
  evidence: StoredEvidence;
}

export interface StoredEvidence {
  /** Whole evidence files the store holds whose bytes hash to the SHA-256 their event names. */
  full: Array<{ seq: number; sha256: string; size: number; local: 'same' | 'missing' | 'differs' | 'no local log' }>;
  /** Evidence the store holds as an excerpt only (over the limit, or its file was gone). */
  excerptOnly: Array<{ seq: number; sha256: string; size: number }>;
  /** Events naming evidence the store holds nothing of. */
  none: number[];
  /** Stored files or excerpts that do not match their event's evidence. */
  bad: string[];
}

const EVIDENCE_EVENTS = new Set(['action.output', 'attachment']);

/** Check every whole file the store holds against its event's SHA-256, and against the local evidence. */
async function checkStoredEvidence(database: ClientConfig, sessionId: string, lines: string[], localDir: string | undefined): Promise<StoredEvidence> {
  const result: StoredEvidence = { full: [], excerptOnly: [], none: [], bad: [] };
  const { default: pg } = await import('pg');
  const client = new pg.Client({ ...database, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  await client.connect();
  let rows: Array<{ seq: number; sha256: string; size: number; content: Buffer | null }>;
  try {
    const table = await client.query<{ t: string | null }>("select to_regclass('runbook_excerpts')::text as t");
    if (!table.rows[0]?.t) return result;
    rows = (await client.query('select seq, sha256, size::float8 as size, content from runbook_excerpts where session_id = $1 order by seq', [sessionId])).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
  const named = new Map<number, { sha256: string; size: number }>();
  for (const line of lines) {
    try {
      const event = JSON.parse(line) as { seq: number; type: string; evidence?: { sha256?: unknown; size?: unknown } };
      if (EVIDENCE_EVENTS.has(event.type) && typeof event.evidence?.sha256 === 'string') named.set(event.seq, { sha256: event.evidence.sha256, size: Number(event.evidence.size) });
    } catch {
      // the log's own verification says which line is bad
    }
  }
  const held = new Set<number>();
  for (const row of rows) {
    held.add(row.seq);
    const event = named.get(row.seq);
    if (!event || event.sha256 !== row.sha256 || event.size !== row.size) {
      result.bad.push(`the store's evidence for event #${row.seq} is not the evidence that event names`);
      continue;
    }
    if (!row.content) {
      result.excerptOnly.push({ seq: row.seq, sha256: row.sha256, size: row.size });
      continue;
    }
    if (sha256Hex(row.content) !== row.sha256 || row.content.length !== row.size) {
      result.bad.push(`the store's file for event #${row.seq} does not hash to ${row.sha256.slice(0, 12)}…`);
      continue;
    }
    let local: StoredEvidence['full'][number]['local'] = 'no local log';
    if (localDir) {
      const path = evidencePath(localDir, row.sha256);
      local = !existsSync(path) ? 'missing' : sha256Hex(readFileSync(path)) === row.sha256 ? 'same' : 'differs';
    }
    result.full.push({ seq: row.seq, sha256: row.sha256, size: row.size, local });
  }
  result.none = [...named.keys()].filter((seq) => !held.has(seq));
  return result;
}

/** What `verify --store` says about the evidence the store holds. */
export function describeStoredEvidence(evidence: StoredEvidence): string[] {
  const out = [`Evidence in the store: ${evidence.full.length} whole file${evidence.full.length === 1 ? '' : 's'} (checked against their SHA-256), ${evidence.excerptOnly.length} as excerpt only, ${evidence.none.length} not sent.`];
  for (const f of evidence.full) out.push(`  whole    #${f.seq} ${f.sha256} ${f.size} bytes${f.local === 'same' ? ', same as the local file' : f.local === 'missing' ? ', the local file is missing' : f.local === 'differs' ? ', the local file DIFFERS' : ''}`);
  for (const f of evidence.excerptOnly) out.push(`  excerpt  #${f.seq} ${f.sha256} ${f.size} bytes`);
  for (const bad of evidence.bad) out.push(`  BAD      ${bad}`);
  return out;
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
    const evidence = await checkStoredEvidence(database, sessionId, lines, localDir && existsSync(join(localDir, LOG_FILE)) ? localDir : undefined);
    for (const bad of evidence.bad) differences.push(bad);
    for (const f of evidence.full) if (f.local === 'differs') differences.push(`the store's file for event #${f.seq} differs from the local evidence file`);
    return { ok: store.ok && differences.length === 0, store, ...(owner ? { owner } : {}), ...(local ? { local } : {}), differences, evidence };
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}
