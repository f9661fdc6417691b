// The team store against operators who try to make it lie: three login roles (two operators and an
// outsider, plus a reviewer) on a real PostgreSQL. Every row the store accepts must be an owner's
// exact log line; everything claimed beside the line is checked against it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex, splitLines, ZERO_HASH } from '../../src/session/chain.js';
import { migrate } from '../../src/store/migrate.js';
import { query, startCluster, type Cluster } from '../helpers/postgres.js';
import { freshHome, sealedSession } from '../helpers/session.js';

let cluster: Cluster;
const ROLES = { op_a: 'runbook_operator', op_b: 'runbook_operator', reviewer: 'runbook_reviewer', outsider: undefined } as const;
type Role = keyof typeof ROLES | 'postgres';

function urlOf(role: Role): string {
  return role === 'postgres' ? cluster.url : cluster.url.replace(/postgres:[^@]+@/, `${role}:${role}-pw@`);
}

function as<T = Record<string, unknown>>(role: Role, sql: string, params: unknown[] = []): Promise<T[]> {
  return query<T>(urlOf(role), sql, params);
}

const INSERT = 'insert into runbook_events (session_id, seq, ts, type, prev, hash, line, body) values ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)';

type Columns = { seq: unknown; ts: unknown; type: unknown; prev: unknown; hash: unknown; body: unknown };

/** Insert one log line as `role`, with every column taken from the line unless overridden. */
function insertLine(role: Role, sessionId: string, line: string, override: Partial<Columns> = {}) {
  const e = JSON.parse(line) as Record<string, unknown>;
  const c: Columns = { seq: e.seq, ts: e.ts, type: e.type, prev: e.prev, hash: sha256Hex(line), body: line, ...override };
  return as(role, INSERT, [sessionId, c.seq, c.ts, c.type, c.prev, c.hash, line, c.body]);
}

let counter = 0;
function newId(): string {
  return `20261124-0310${String(++counter).padStart(2, '0')}-forgery-${Math.random().toString(16).slice(2, 6)}`;
}

/** Chained lines as the tool writes them: JSON.stringify of {seq, ts, type, prev, …fields}. */
function chain(events: Array<[string, Record<string, unknown>?]>, from = { seq: 0, prev: ZERO_HASH }): string[] {
  let prev = from.prev;
  return events.map(([type, fields], i) => {
    const line = JSON.stringify({ seq: from.seq + i, ts: `2026-11-24T03:10:${String(i % 60).padStart(2, '0')}.000Z`, type, prev, ...fields });
    prev = sha256Hex(line);
    return line;
  });
}

const STARTED: Record<string, unknown> = { runbook: { path: '/ops/runbook.md', sha256: 'a'.repeat(64), title: 'Ops' }, section: { id: 'rls', title: 'RLS' }, env: 'prod', purpose: { kind: 'incident', id: 'INC-1' }, operator: 'alex', host: 'laptop-a', tool: { name: 'runbook', version: '0.0.0' } };

/** A started event of its own (the store records each first event once). */
function started(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...STARTED, host: `laptop-${++counter}`, ...fields };
}

/** An open session of op_a in the store: started and one note. Returns its id and lines. */
async function openSessionOfA(): Promise<{ id: string; lines: string[] }> {
  const id = newId();
  const lines = chain([['started', started()], ['note', { text: 'looking' }]]);
  for (const line of lines) await insertLine('op_a', id, line);
  return { id, lines };
}

function next(lines: string[], type: string, fields: Record<string, unknown> = {}): string {
  return chain([[type, fields]], { seq: lines.length, prev: sha256Hex(lines[lines.length - 1]!) })[0]!;
}

async function storedSession(id: string) {
  return (await as('postgres', 'select owner_role, operator, env, status, events, head_hash, signer, signature from runbook_sessions where id = $1', [id]))[0];
}

async function storedLines(id: string): Promise<string[]> {
  return (await as<{ line: string }>('postgres', 'select line from runbook_events where session_id = $1 order by seq', [id])).map((r) => r.line);
}

/** A real sealed session (signed with its home's key), and its lines and signature. */
async function realSealed(home = freshHome()) {
  const session = await sealedSession(home.env);
  return {
    id: session.id,
    lines: splitLines(readFileSync(join(session.dir, 'session.jsonl'))).map((b) => b.toString('utf8')),
    signature: readFileSync(join(session.dir, 'session.jsonl.sig'), 'utf8'),
  };
}

/** The same SSH signature with its decoded bytes edited. */
function reArmor(armored: string, edit: (bytes: Buffer) => Buffer): string {
  const b64 = armored.split('\n').filter((l) => l && !l.startsWith('-----')).join('');
  const out = edit(Buffer.from(b64, 'base64')).toString('base64');
  return `-----BEGIN SSH SIGNATURE-----\n${out.match(/.{1,70}/g)!.join('\n')}\n-----END SSH SIGNATURE-----\n`;
}

beforeAll(async () => {
  cluster = await startCluster();
  await migrate({ connectionString: cluster.url });
  await query(cluster.url, "do $$ begin if not exists (select 1 from pg_roles where rolname = 'runbook_reviewer') then create role runbook_reviewer nologin; end if; end $$");
  for (const [role, member] of Object.entries(ROLES)) {
    await query(cluster.url, `create role ${role} login password '${role}-pw'${member ? ` in role ${member}` : ''}`);
  }
});
afterAll(() => cluster?.stop());

describe('the owner', () => {
  it('appends a whole real session and sets its signature; the session row follows from its lines', async () => {
    const { id, lines, signature } = await realSealed();
    for (const line of lines) await insertLine('op_a', id, line);
    await as('op_a', 'select runbook_set_signature($1, $2)', [id, signature]);
    const first = JSON.parse(lines[0]!) as Record<string, unknown>;
    const seal = JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
    expect(await storedSession(id)).toEqual({
      owner_role: 'op_a', operator: first.operator, env: 'prod', status: 'sealed', events: lines.length,
      head_hash: sha256Hex(lines[lines.length - 1]!), signer: seal.signer, signature,
    });
    expect(await storedLines(id)).toEqual(lines);
    // Setting the same signature again changes nothing and is not an error (a retried send).
    await as('op_a', 'select runbook_set_signature($1, $2)', [id, signature]);
  });

  it('may leave a session interrupted and resume it', async () => {
    const { id, lines } = await openSessionOfA();
    const interrupted = next(lines, 'interrupted', { reason: 'laptop died' });
    await insertLine('op_a', id, interrupted);
    expect((await storedSession(id))!.status).toBe('interrupted');
    await insertLine('op_a', id, next([...lines, interrupted], 'resumed', { pid: 1 }));
    expect((await storedSession(id))!.status).toBe('open');
  });
});

describe('ownership', () => {
  it("refuses another operator's event in a running session, even one that continues the chain", async () => {
    const { id, lines } = await openSessionOfA();
    const forged = next(lines, 'note', { text: 'all clear, nothing to see' });
    await expect(insertLine('op_b', id, forged)).rejects.toThrow(/belongs to op_a|row-level security/);
    expect(await storedLines(id)).toEqual(lines);
    // The owner's own next event still goes in at that seq.
    await insertLine('op_a', id, next(lines, 'note', { text: 'real' }));
  });

  it("refuses any event in a sealed session: another operator's, and the owner's own", async () => {
    const { id, lines, signature } = await realSealed();
    for (const line of lines) await insertLine('op_a', id, line);
    const after = next(lines, 'note', { text: 'added after the seal' });
    await expect(insertLine('op_b', id, after)).rejects.toThrow(/belongs to op_a|row-level security/);
    await expect(insertLine('op_a', id, after)).rejects.toThrow(/sealed/);
    await expect(as('op_b', 'select runbook_set_signature($1, $2)', [id, signature])).rejects.toThrow(/belongs to op_a/);
    await as('op_a', 'select runbook_set_signature($1, $2)', [id, signature]);
    expect((await storedSession(id))!.signature).toBe(signature);
  });

  it('refuses a second first event for an existing session id (squatting or replacing it)', async () => {
    const { id } = await openSessionOfA();
    const other = chain([['started', started({ operator: 'mallory' })]]);
    await expect(insertLine('op_b', id, other[0]!)).rejects.toThrow(/already|duplicate|row-level security/);
    await expect(insertLine('op_a', id, other[0]!)).rejects.toThrow(/already|duplicate/);
    expect((await storedSession(id))!.operator).toBe('alex');
  });

  it("refuses another operator's whole sealed session replayed under a new id, signature and all", async () => {
    const { id, lines, signature } = await realSealed();
    for (const line of lines) await insertLine('op_a', id, line);
    await as('op_a', 'select runbook_set_signature($1, $2)', [id, signature]);
    const copy = newId();
    await expect(insertLine('op_b', copy, lines[0]!)).rejects.toThrow(new RegExp(`already recorded as session ${id}`));
    await expect(insertLine('op_a', copy, lines[0]!)).rejects.toThrow(/a session is recorded once/);
    expect(await storedSession(copy)).toBeUndefined();
  });

  it('enforces ownership in the trigger: the table owner, who bypasses RLS, cannot append to op_a’s session either', async () => {
    const { id, lines } = await openSessionOfA();
    await expect(insertLine('postgres', id, next(lines, 'note', { text: 'superuser' }))).rejects.toThrow(/belongs to op_a/);
  });

  it('enforces ownership in the RLS policy: with the trigger disabled, op_b is still refused', async () => {
    const { id, lines } = await openSessionOfA();
    await as('postgres', 'alter table runbook_events disable trigger runbook_event_arrives');
    try {
      await expect(insertLine('op_b', id, next(lines, 'note', { text: 'forged' }))).rejects.toThrow(/row-level security/);
    } finally {
      await as('postgres', 'alter table runbook_events enable trigger runbook_event_arrives');
    }
  });

  it('lets a reviewer read, never write; an outsider reads nothing', async () => {
    const { id, lines } = await openSessionOfA();
    expect((await as<{ n: number }>('reviewer', 'select count(*)::int as n from runbook_events where session_id = $1', [id]))[0]!.n).toBe(2);
    await expect(insertLine('reviewer', id, next(lines, 'note'))).rejects.toThrow(/permission denied|row-level security/);
    await expect(as('reviewer', 'select runbook_set_signature($1, $2)', [id, 'x'])).rejects.toThrow(/permission denied/);
    await expect(as('outsider', 'select count(*) from runbook_sessions')).rejects.toThrow(/permission denied/);
    await expect(as('outsider', 'select count(*) from runbook_events')).rejects.toThrow(/permission denied/);
    await expect(insertLine('outsider', newId(), chain([['started', started()]])[0]!)).rejects.toThrow(/permission denied/);
  });

  it('never updates or deletes a recorded row, not even for the owner or the table owner', async () => {
    const { id } = await openSessionOfA();
    for (const role of ['op_a', 'op_b', 'reviewer'] as const) {
      await expect(as(role, "update runbook_events set type = 'x' where session_id = $1", [id])).rejects.toThrow(/permission denied/);
      await expect(as(role, 'delete from runbook_events where session_id = $1', [id])).rejects.toThrow(/permission denied/);
      await expect(as(role, "update runbook_sessions set operator = 'x' where id = $1", [id])).rejects.toThrow(/permission denied/);
      await expect(as(role, "update runbook_sessions set signature = 'x', events = 0 where id = $1", [id])).rejects.toThrow(/permission denied/);
      await expect(as(role, 'delete from runbook_sessions where id = $1', [id])).rejects.toThrow(/permission denied/);
    }
    await expect(as('postgres', "update runbook_events set line = 'x' where session_id = $1", [id])).rejects.toThrow(/append-only/);
    await expect(as('postgres', 'delete from runbook_events where session_id = $1', [id])).rejects.toThrow(/append-only/);
    await expect(as('postgres', 'truncate runbook_events')).rejects.toThrow(/append-only/);
    await expect(as('postgres', 'truncate runbook_sessions cascade')).rejects.toThrow(/append-only/);
    await expect(as('op_a', 'truncate runbook_events')).rejects.toThrow(/permission denied/);
    await expect(as('postgres', "update runbook_sessions set owner_role = 'op_b' where id = $1", [id])).rejects.toThrow(/follows from its events|cannot change/);
    expect((await storedSession(id))!.owner_role).toBe('op_a');
  });
});

describe('the line is the truth', () => {
  it('refuses a body that says something else than its line, and keeps the session row as the lines say', async () => {
    const id = newId();
    const [first] = chain([['started', started()]]);
    const claims = [{ ...JSON.parse(first!), operator: 'mallory' }, { ...JSON.parse(first!), env: 'staging' }, { ...JSON.parse(first!), type: 'sealed' }, { ...JSON.parse(first!), session_id: 'another' }];
    for (const body of claims) await expect(insertLine('op_a', id, first!, { body: JSON.stringify(body) })).rejects.toThrow(/body/);
    expect(await storedSession(id)).toBeUndefined();
    await insertLine('op_a', id, first!);
    expect((await storedSession(id))!.operator).toBe('alex');
  });

  it('refuses ts, type, seq, prev or hash columns that differ from the line', async () => {
    const { id, lines } = await openSessionOfA();
    const line = next(lines, 'note', { text: 'n' });
    const e = JSON.parse(line) as Record<string, unknown>;
    await expect(insertLine('op_a', id, line, { ts: '2026-11-24T04:00:00.000Z' })).rejects.toThrow(/ts/);
    await expect(insertLine('op_a', id, line, { type: 'sealed' })).rejects.toThrow(/type/);
    await expect(insertLine('op_a', id, line, { seq: (e.seq as number) + 1 })).rejects.toThrow(/seq/);
    await expect(insertLine('op_a', id, line, { prev: ZERO_HASH })).rejects.toThrow(/prev/);
    await expect(insertLine('op_a', id, line, { hash: sha256Hex('other') })).rejects.toThrow(/hash/);
    expect(await storedLines(id)).toEqual(lines);
  });

  it('fills the columns from the line when the client sends only the line', async () => {
    const { id, lines } = await openSessionOfA();
    const line = next(lines, 'note', { text: 'only the line' });
    await as('op_a', 'insert into runbook_events (session_id, line) values ($1, $2)', [id, line]);
    expect(await as('postgres', 'select seq, type, hash, body ->> $2 as text from runbook_events where session_id = $1 and seq = 2', [id, 'text'])).toEqual([{ seq: 2, type: 'note', hash: sha256Hex(line), text: 'only the line' }]);
  });

  it('refuses a line whose prev is not the stored hash before it, and events out of order', async () => {
    const { id, lines } = await openSessionOfA();
    const wrongPrev = chain([['note', { text: 'x' }]], { seq: 2, prev: sha256Hex(lines[0]!) })[0]!;
    await expect(insertLine('op_a', id, wrongPrev)).rejects.toThrow(/does not follow/);
    const [two, three] = chain([['note', { text: '2' }], ['note', { text: '3' }]], { seq: 2, prev: sha256Hex(lines[1]!) });
    await expect(insertLine('op_a', id, three!)).rejects.toThrow(/does not follow/);
    await insertLine('op_a', id, two!);
    await expect(insertLine('op_a', id, two!)).rejects.toThrow(/duplicate|already/);
    await insertLine('op_a', id, three!);
  });

  it('refuses a first event that is not `started`, and a `started` event later on', async () => {
    const id = newId();
    await expect(insertLine('op_a', id, chain([['note', { text: 'x' }]])[0]!)).rejects.toThrow(/started/);
    const { id: open, lines } = await openSessionOfA();
    await expect(insertLine('op_a', open, next(lines, 'started', started()))).rejects.toThrow(/started/);
  });

  it('refuses lines the tool never writes: whitespace, duplicate keys, non-integer seq, not an object', async () => {
    const { id, lines } = await openSessionOfA();
    const good = JSON.parse(next(lines, 'note', { text: 'a b', nested: { k: 1 } })) as Record<string, unknown>;
    const spaced = JSON.stringify(good, null, 1);
    await expect(insertLine('op_a', id, spaced, { body: JSON.stringify(good) })).rejects.toThrow(/whitespace/);
    await expect(insertLine('op_a', id, JSON.stringify(good).replace('"type":', ' "type": '))).rejects.toThrow(/whitespace/);
    const compact = JSON.stringify(good);
    // Duplicate keys: PostgreSQL's jsonb keeps the last, a reader of the line may keep the first.
    const dupTop = compact.replace('"text":"a b"', '"text":"a b","text":"nothing happened"');
    await expect(insertLine('op_a', id, dupTop, { body: JSON.stringify({ ...good, text: 'nothing happened' }) })).rejects.toThrow(/duplicate key/);
    const dupNested = compact.replace('"nested":{"k":1}', '"nested":{"k":1,"k":2}');
    await expect(insertLine('op_a', id, dupNested, { body: JSON.stringify({ ...good, nested: { k: 2 } }) })).rejects.toThrow(/duplicate key/);
    const floatSeq = compact.replace(`"seq":${String(good.seq)}`, `"seq":${String(good.seq)}.0`);
    await expect(insertLine('op_a', id, floatSeq, { seq: good.seq })).rejects.toThrow(/seq/);
    await expect(as('op_a', INSERT, [id, 2, good.ts, 'note', good.prev, sha256Hex('[1]'), '[1]', '[1]'])).rejects.toThrow(/object/);
    await expect(as('op_a', INSERT, [id, 2, good.ts, 'note', good.prev, sha256Hex('{'), '{', '{}'])).rejects.toThrow(/JSON|json/);
    expect(await storedLines(id)).toEqual(lines);
  });

  it('refuses a seal that does not describe the log it closes', async () => {
    const { id, lines } = await openSessionOfA();
    const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOv4B1nqE3Bd3s0yVJkUQo2bTJgqvwrkzKGdF7f3b0jx dana@example.com';
    const fingerprint = `SHA256:${Buffer.from(sha256Hex(Buffer.from(key.split(' ')[1]!, 'base64')), 'hex').toString('base64').replace(/=+$/, '')}`;
    const seal = (fields: Record<string, unknown>) => next(lines, 'sealed', { signer: 'dana@example.com', key, fingerprint, events: lines.length + 1, head: sha256Hex(lines[lines.length - 1]!), ...fields });
    await expect(insertLine('op_a', id, seal({ events: lines.length }))).rejects.toThrow(/events/);
    await expect(insertLine('op_a', id, seal({ events: String(lines.length + 1) }))).rejects.toThrow(/events/);
    await expect(insertLine('op_a', id, seal({ key: undefined }))).rejects.toThrow(/no OpenSSH public key/);
    await expect(insertLine('op_a', id, seal({ key: ['ssh-ed25519', 'AAAA'] }))).rejects.toThrow(/no OpenSSH public key/);
    await expect(insertLine('op_a', id, seal({ head: ZERO_HASH }))).rejects.toThrow(/head/);
    await expect(insertLine('op_a', id, seal({ fingerprint: 'SHA256:AAAA' }))).rejects.toThrow(/fingerprint/);
    await insertLine('op_a', id, seal({}));
    expect((await storedSession(id))!.status).toBe('sealed');
  });
});

describe('signatures', () => {
  it('refuses a signature before the seal', async () => {
    const { id, lines, signature } = await realSealed();
    for (const line of lines.slice(0, -1)) await insertLine('op_a', id, line);
    await expect(as('op_a', 'select runbook_set_signature($1, $2)', [id, signature])).rejects.toThrow(/not sealed/);
    expect((await storedSession(id))!.signature).toBeNull();
  });

  it('refuses a signature made with another key than the sealed event names, and one that is not a signature', async () => {
    const mine = await realSealed();
    const theirs = await realSealed();
    for (const line of mine.lines) await insertLine('op_a', mine.id, line);
    await expect(as('op_a', 'select runbook_set_signature($1, $2)', [mine.id, theirs.signature])).rejects.toThrow(/another key/);
    await expect(as('op_a', 'select runbook_set_signature($1, $2)', [mine.id, 'not a signature'])).rejects.toThrow(/SSH signature/);
    const wrongNamespace = reArmor(mine.signature, (bytes) => {
      const copy = Buffer.from(bytes);
      copy.write('runbook-sessiox', bytes.indexOf('runbook-session'));
      return copy;
    });
    await expect(as('op_a', 'select runbook_set_signature($1, $2)', [mine.id, wrongNamespace])).rejects.toThrow(/SSH signature|namespace|another key/);
    await as('op_a', 'select runbook_set_signature($1, $2)', [mine.id, mine.signature]);
    // Once set, it cannot be replaced.
    await expect(as('op_a', 'select runbook_set_signature($1, $2)', [mine.id, theirs.signature])).rejects.toThrow(/already/);
    expect((await storedSession(mine.id))!.signature).toBe(mine.signature);
  });

  it("lets an operator update only their own session's signature column; RLS refuses the rest even with the guard trigger disabled", async () => {
    const mine = await realSealed();
    for (const line of mine.lines) await insertLine('op_a', mine.id, line);
    await as('op_b', 'update runbook_sessions set signature = $2 where id = $1', [mine.id, mine.signature]);
    expect((await storedSession(mine.id))!.signature).toBeNull();
    await as('postgres', 'alter table runbook_sessions disable trigger runbook_session_guard');
    try {
      // RLS alone: op_b's update matches no row.
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: urlOf('op_b') });
      await client.connect();
      const result = await client.query('update runbook_sessions set signature = $2 where id = $1', [mine.id, mine.signature]).finally(() => client.end());
      expect(result.rowCount).toBe(0);
    } finally {
      await as('postgres', 'alter table runbook_sessions enable trigger runbook_session_guard');
    }
    await expect(as('op_a', "update runbook_sessions set status = 'open' where id = $1", [mine.id])).rejects.toThrow(/permission denied/);
    await as('op_a', 'update runbook_sessions set signature = $2 where id = $1', [mine.id, mine.signature]);
    expect((await storedSession(mine.id))!.signature).toBe(mine.signature);
  });

  it('refuses a signature set by updating the row, even by the table owner', async () => {
    const { id, lines } = await realSealed();
    for (const line of lines) await insertLine('op_a', id, line);
    await expect(as('postgres', "update runbook_sessions set signature = 'x' where id = $1", [id])).rejects.toThrow(/belongs to op_a|runbook_set_signature/);
  });
});

describe('functions', () => {
  it('grants EXECUTE on no function to PUBLIC; the outsider can call none of them', async () => {
    const functions = await as<{ oid: number; name: string; args: string; acl: string | null; definer: boolean; config: string[] | null; trigger: boolean }>(
      'postgres',
      `select p.oid::int as oid, p.proname as name, pg_get_function_identity_arguments(p.oid) as args, p.proacl::text as acl, p.prosecdef as definer,
              p.proconfig as config, p.prorettype = 'trigger'::regtype as trigger
         from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'public' and p.proname like 'runbook%'`,
    );
    expect(functions.map((f) => f.name)).toContain('runbook_set_signature');
    for (const f of functions) {
      expect(f.acl, `${f.name} has the default ACL (PUBLIC may execute)`).not.toBeNull();
      expect(f.acl!, f.name).not.toMatch(/(^|[{,])=X/);
      const [{ allowed }] = (await as<{ allowed: boolean }>('postgres', "select has_function_privilege('outsider', $1::oid, 'execute') as allowed", [f.oid])) as [{ allowed: boolean }];
      expect(allowed, f.name).toBe(false);
      if (f.definer) expect(f.config?.join(','), `${f.name} is SECURITY DEFINER without a fixed search_path`).toMatch(/search_path=pg_catalog/);
      if (!f.trigger) {
        const args = f.args ? f.args.split(',').map(() => 'null') : [];
        await expect(as('outsider', `select ${f.name}(${args.join(', ')})`), f.name).rejects.toThrow(/permission denied/);
      }
    }
  });
});

describe('what the tool writes', () => {
  it('is accepted as written, whatever the strings and values hold (no over-rejection)', async () => {
    // Any value JSON.stringify writes except NUL, which PostgreSQL's jsonb cannot hold.
    const tricky = fc.constantFrom('"', '\\', '\\"', ' ', '\n', '\t', '\r', '{', '}', ':', ',', '[', 'é', '\u2028', '\u00a0', '😀', '\u001f');
    const text = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.string({ unit: tricky, maxLength: 12 })).filter((t) => !t.includes('\u0000'));
    const value = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, text, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(text, tie('v'), { maxKeys: 3 })),
    })).v;
    const fields = fc.dictionary(text.filter((k) => !['seq', 'ts', 'type', 'prev', 'session_id'].includes(k)), value, { maxKeys: 5 });
    await fc.assert(
      fc.asyncProperty(fc.array(fields, { minLength: 1, maxLength: 4 }), text.filter((t) => t.length > 0), async (bodies, type) => {
        const id = newId();
        const lines = chain([['started', started({ operator: bodies[0]!['operator'] ?? 'x' })], ...bodies.map((b): [string, Record<string, unknown>] => [type === 'started' || type === 'sealed' ? 'note' : type, b])]);
        const client = await import('pg').then(({ default: pg }) => new pg.Client({ connectionString: urlOf('op_a') }));
        await client.connect();
        try {
          await client.query(`insert into runbook_events (session_id, line) values ${lines.map((_, i) => `($1, $${i + 2})`).join(', ')}`, [id, ...lines]);
        } finally {
          await client.end();
        }
        expect(await storedLines(id)).toEqual(lines);
        const bodiesStored = await as<{ body: unknown }>('postgres', 'select body from runbook_events where session_id = $1 order by seq', [id]);
        expect(bodiesStored.map((r) => r.body)).toEqual(lines.map((l) => JSON.parse(l)));
      }),
      { numRuns: 40 },
    );
  }, 60_000);

  it('lets exactly one of two operators racing for the same new session id have it', async () => {
    const id = newId();
    const [mine] = chain([['started', started()]]);
    const [theirs] = chain([['started', started({ operator: 'mallory' })]]);
    const results = await Promise.allSettled([insertLine('op_a', id, mine!), insertLine('op_b', id, theirs!)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const session = (await storedSession(id))!;
    expect(session.operator).toBe(session.owner_role === 'op_a' ? 'alex' : 'mallory');
    expect(await storedLines(id)).toEqual([session.owner_role === 'op_a' ? mine : theirs]);
  });
});
