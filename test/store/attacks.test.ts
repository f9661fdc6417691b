// The team store against forgeries the first hardening did not name: conflict clauses, JSON the
// store parses differently from the tool, races, replays after a re-migration, and watchers fed
// lies (ids, dates, notifications, terminal escapes). Real PostgreSQL, one login role per person.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex, splitLines, ZERO_HASH, type EventRecord } from '../../src/session/chain.js';
import { describeEvent, followSession, type StoredSession } from '../../src/store/follow.js';
import { flushBacklog, Mirror, storeHoldsExactly } from '../../src/store/mirror.js';
import { migrate } from '../../src/store/migrate.js';
import { query, startCluster, type Cluster } from '../helpers/postgres.js';
import { freshHome, sealedSession, startTestSession } from '../helpers/session.js';

let cluster: Cluster;
const ROLES = { op_a: 'runbook_operator', op_b: 'runbook_operator', reviewer: 'runbook_reviewer', outsider: undefined } as const;
type Role = keyof typeof ROLES | 'postgres';

function urlOf(role: Role, database = 'runbook_test'): string {
  const base = cluster.url.replace(/\/runbook_test$/, `/${database}`);
  return role === 'postgres' ? base : base.replace(/postgres:[^@]+@/, `${role}:${role}-pw@`);
}

function as<T = Record<string, unknown>>(role: Role, sql: string, params: unknown[] = []): Promise<T[]> {
  return query<T>(urlOf(role), sql, params);
}

function insert(role: Role, sessionId: string, line: string) {
  return as(role, 'insert into runbook_events (session_id, line) values ($1, $2)', [sessionId, line]);
}

async function client(role: Role) {
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: urlOf(role) });
  await c.connect();
  return c;
}

let counter = 0;
function newId(): string {
  return `20261125-0420${String(++counter).padStart(2, '0')}-attack-${Math.random().toString(16).slice(2, 6)}`;
}

function chain(events: Array<[string, Record<string, unknown>?]>, from = { seq: 0, prev: ZERO_HASH }): string[] {
  let prev = from.prev;
  return events.map(([type, fields], i) => {
    const line = JSON.stringify({ seq: from.seq + i, ts: `2026-11-25T04:20:${String(i % 60).padStart(2, '0')}.000Z`, type, prev, ...fields });
    prev = sha256Hex(line);
    return line;
  });
}

function next(lines: string[], type: string, fields: Record<string, unknown> = {}): string {
  return chain([[type, fields]], { seq: lines.length, prev: sha256Hex(lines[lines.length - 1]!) })[0]!;
}

function started(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { runbook: { path: '/ops/runbook.md', sha256: 'a'.repeat(64) }, section: { id: 'rls', title: 'RLS' }, env: 'prod', operator: 'alex', host: `laptop-${++counter}-${Math.random()}`, ...fields };
}

async function sessionRow(id: string) {
  return (await as('postgres', 'select owner_role, status, events, head_hash, ended_at from runbook_sessions where id = $1', [id]))[0];
}

async function storedLines(id: string): Promise<string[]> {
  return (await as<{ line: string }>('postgres', 'select line from runbook_events where session_id = $1 order by seq', [id])).map((r) => r.line);
}

function logLines(dir: string): string[] {
  return splitLines(readFileSync(join(dir, 'session.jsonl'))).map((b) => b.toString('utf8'));
}

beforeAll(async () => {
  cluster = await startCluster();
  await migrate({ connectionString: cluster.url });
  for (const [role, member] of Object.entries(ROLES)) {
    await query(cluster.url, `create role ${role} login password '${role}-pw'${member ? ` in role ${member}` : ''}`);
  }
});
afterAll(() => cluster?.stop());

describe('the session row', () => {
  it('cannot be moved off its events by a forked line sent with ON CONFLICT DO NOTHING', async () => {
    const id = newId();
    const lines = chain([['started', started()], ['note', { text: 'one' }], ['note', { text: 'two' }]]);
    for (const line of lines) await insert('op_a', id, line);
    const before = await sessionRow(id);
    // Another event at seq 1 that continues seq 0: the row is dropped by the conflict clause, but
    // its trigger ran first.
    const fork = chain([['interrupted', { reason: 'forged' }]], { seq: 1, prev: sha256Hex(lines[0]!) })[0]!;
    for (const role of ['op_a', 'postgres'] as const) {
      await as(role, 'insert into runbook_events (session_id, line) values ($1, $2) on conflict do nothing', [id, fork]).catch(() => undefined);
      await as(role, 'insert into runbook_events (session_id, line) values ($1, $2) on conflict do nothing', [id, lines[1]]).catch(() => undefined);
    }
    expect(await sessionRow(id)).toEqual(before);
    expect(before).toMatchObject({ status: 'open', events: 3, head_hash: sha256Hex(lines[2]!) });
    await expect(insert('op_a', id, fork)).rejects.toThrow(/already holds an event at/);
  });

  it('cannot be reached by a writable CTE, COPY or a multi-row insert mixing sessions', async () => {
    const mine = newId();
    const theirs = newId();
    const a = chain([['started', started()]]);
    await insert('op_a', theirs, a[0]!);
    const b = chain([['started', started({ operator: 'mallory' })]]);
    const forged = next(a, 'note', { text: 'op_b was here' });
    await expect(as('op_b', 'insert into runbook_events (session_id, line) values ($1, $2), ($3, $4)', [mine, b[0], theirs, forged])).rejects.toThrow();
    await expect(as('op_b', 'with w as (insert into runbook_events (session_id, line) values ($1, $2) returning seq) select * from w', [theirs, forged])).rejects.toThrow();
    await expect(as('op_b', 'copy runbook_events (session_id, line) from stdin')).rejects.toThrow();
    expect(await storedLines(theirs)).toEqual(a);
    expect(await storedLines(mine)).toEqual([]);
  });

  it('belongs to the login, whatever role it sets: SET ROLE and set_config change nothing', async () => {
    const id = newId();
    const c = await client('op_b');
    try {
      await c.query('set role runbook_operator');
      await c.query("select set_config('session_authorization', 'op_a', false)").catch(() => undefined);
      await c.query('insert into runbook_events (session_id, line) values ($1, $2)', [id, chain([['started', started()]])[0]]);
    } finally {
      await c.end();
    }
    expect(await sessionRow(id)).toMatchObject({ owner_role: 'op_b' });
  });
});

describe('lines the tool writes that PostgreSQL reads differently', () => {
  it('accepts NUL and lone surrogates (JSON.stringify writes them as \\u escapes), keeping the exact line', async () => {
    const id = newId();
    const lines = chain([['started', started({ operator: 'a\u0000b' })], ['note', { text: 'nul \u0000 and \\u0000 and \ud800 lone \udc00 and 😀 \ud83d' }], ['note', { ['k\u0000']: '\udfff' }]]);
    for (const line of lines) await insert('op_a', id, line);
    expect(await storedLines(id)).toEqual(lines);
    const [row] = await as<{ text: string; operator: string }>('postgres', "select e.body ->> 'text' as text, s.operator from runbook_events e join runbook_sessions s on s.id = e.session_id where e.session_id = $1 and e.seq = 1", [id]);
    expect(row).toEqual({ text: 'nul \ufffd and \\u0000 and \ufffd lone \ufffd and 😀 \ufffd', operator: 'a\ufffdb' });
  });

  it("mirrors an honest session whose note holds a NUL, and says it is mirrored", async () => {
    const home = freshHome();
    const session = startTestSession(home.env);
    session.note({ runbook: 'r.md', section: 's', step: 's/1' }, 'pasted \u0000 from a binary file');
    const mirror = new Mirror({ connectionString: urlOf('op_a') }, session.id, session.dir, home.env);
    const status = await mirror.close(10_000);
    expect(status).toMatchObject({ health: 'live', behind: 0 });
    expect(await storedLines(session.id)).toEqual(logLines(session.dir));
    expect(await storeHoldsExactly({ connectionString: urlOf('op_a') }, session.id, session.dir)).toEqual({ exact: true });
  });

  it('reads escaped keys, numbers and sequences as the tool does, or refuses them', async () => {
    const id = newId();
    const [first] = chain([['started', started()]]);
    await insert('op_a', id, first!);
    const prev = sha256Hex(first!);
    // Read alike by JSON.parse and by the store: the same seq either way.
    for (const line of [
      `{"s\\u0065q":1,"ts":"2026-11-25T04:20:01.000Z","type":"note","prev":"${prev}"}`,
      `{"seq":1e0,"ts":"2026-11-25T04:20:01.000Z","type":"note","prev":"${prev}"}`,
    ]) {
      const c = await client('op_a');
      try {
        await c.query('begin');
        const [row] = (await c.query<{ seq: number; type: string }>('insert into runbook_events (session_id, line) values ($1, $2) returning seq, type', [id, line])).rows;
        expect(row).toEqual({ seq: (JSON.parse(line) as { seq: number }).seq, type: 'note' });
      } finally {
        await c.query('rollback');
        await c.end();
      }
    }
    const refused = [
      `{"seq":1,"s\\u0065q":1,"ts":"2026-11-25T04:20:01.000Z","type":"note","prev":"${prev}"}`,
      `{"seq":-0,"ts":"2026-11-25T04:20:01.000Z","type":"note","prev":"${prev}"}`,
      `{"seq":1.0,"ts":"2026-11-25T04:20:01.000Z","type":"note","prev":"${prev}"}`,
      `{"seq":10000000000000000000001,"ts":"2026-11-25T04:20:01.000Z","type":"note","prev":"${prev}"}`,
      `\ufeff{"seq":1,"ts":"2026-11-25T04:20:01.000Z","type":"note","prev":"${prev}"}`,
      `{"seq":1,"ts":"2026-11-25T04:20:01.000Z","type":"note","prev":"${prev}"}\r`,
      `{"seq":1,"ts":"2026-11-25T04:20:01.000Z","type":"note","prev":"${prev}"} `,
      `{"seq":1,"ts":"2026-11-25T04:20:01.000Z","type":"note","prev":"${prev}","text":"raw\u0001chr1 \\\\"}`,
      `{"seq":1,"ts":"2026-11-25T04:20:01.000Z","type":"note","prev":"${prev}","text":"\\ud800\\u0000","text":"dup after NUL"}`,
      `{"seq":1,"ts":"2026-11-25T04:20:01.000Z","type":"not\\u0065","prev":"${prev}","x":${'['.repeat(5000)}${']'.repeat(5000)}}`,
    ];
    for (const line of refused) await expect(insert('op_a', id, line), line.slice(0, 60)).rejects.toThrow(/runbook_events|stack depth/);
    expect(await storedLines(id)).toEqual([first]);
  });

  it('refuses a session id the tool never makes (control characters, wildcards, spaces)', async () => {
    for (const id of ['evil\u001b[2J', 'a b', '%', 'x_%', '', 'a'.repeat(201)]) {
      await expect(insert('op_b', id, chain([['started', started()]])[0]!), JSON.stringify(id)).rejects.toThrow(/session id/);
    }
  });

  it('refuses a line larger than the limit, so one operator cannot fill every watcher', async () => {
    const id = newId();
    const [first] = chain([['started', started()]]);
    await insert('op_a', id, first!);
    await expect(insert('op_a', id, next([first!], 'note', { text: 'x'.repeat(2 * 1024 * 1024) }))).rejects.toThrow(/larger than/);
    await insert('op_a', id, next([first!], 'note', { text: 'x'.repeat(256 * 1024) }));
  });
});

describe('the first event', () => {
  it('is recorded once even when the same line races in under two ids, whatever the isolation level', async () => {
    const [line] = chain([['started', started()]]);
    const victim = await client('op_a');
    const thief = await client('op_b');
    try {
      await thief.query('begin isolation level repeatable read');
      await thief.query('select count(*) from runbook_events');
      await victim.query('begin');
      await victim.query('insert into runbook_events (session_id, line) values ($1, $2)', [newId(), line]);
      const stolen = thief.query('insert into runbook_events (session_id, line) values ($1, $2)', [newId(), line]).then(() => thief.query('commit'));
      const outcome = stolen.then(() => 'accepted', (e: Error) => e.message);
      await victim.query('commit');
      expect(await outcome).toMatch(/already recorded|could not serialize|duplicate/);
    } finally {
      await thief.query('rollback').catch(() => undefined);
      await victim.end();
      await thief.end();
    }
    expect((await as<{ n: number }>('postgres', 'select count(*)::int as n from runbook_events where seq = 0 and hash = $1', [sha256Hex(line!)]))[0]!.n).toBe(1);
  });
});

describe('an honest operator', () => {
  it('is not told "mirrored" when the store records their session as another login\'s (replayed after a re-migration)', async () => {
    const home = freshHome();
    const session = await sealedSession(home.env);
    const lines = logLines(session.dir);
    const signature = readFileSync(join(session.dir, 'session.jsonl.sig'), 'utf8');
    // op_b got the lines (from the store before it was recreated) and sends them first.
    for (const line of lines) await insert('op_b', session.id, line);
    await as('op_b', 'select runbook_set_signature($1, $2)', [session.id, signature]);
    const mine = { connectionString: urlOf('op_a') };
    expect((await storeHoldsExactly(mine, session.id, session.dir)).exact).toBe(false);
    const mirror = new Mirror(mine, session.id, session.dir, home.env);
    expect(await mirror.close(10_000)).toMatchObject({ health: 'conflict', error: expect.stringMatching(/op_b/) });
    const backlog = await flushBacklog(mine, home.env, 10_000);
    expect(backlog.conflicts.map((c) => c.id)).toEqual([session.id]);
  });
});

describe('a watcher', () => {
  async function follow(ref: string | undefined): Promise<{ session: StoredSession; events: EventRecord[]; stop: () => Promise<void> }> {
    const events: EventRecord[] = [];
    const follower = await followSession({ connectionString: urlOf('reviewer') }, ref, (e) => events.push(...e));
    return { session: follower.session!, events, stop: follower.stop };
  }

  it('follows the session it names, not a later one whose id contains that name', async () => {
    const id = newId();
    await insert('op_a', id, chain([['started', started()]])[0]!);
    await insert('op_b', `${id}-x`, JSON.stringify({ seq: 0, ts: '2026-11-25T05:00:00.000Z', type: 'started', prev: ZERO_HASH, ...started({ operator: 'mallory' }) }));
    const watch = await follow(id);
    await watch.stop();
    expect(watch.session.id).toBe(id);
  });

  it('follows the session that reached the store last, not one dated in the future', async () => {
    const future = newId();
    await insert('op_b', future, JSON.stringify({ seq: 0, ts: '2999-01-01T00:00:00.000Z', type: 'started', prev: ZERO_HASH, ...started({ operator: 'mallory' }) }));
    const now = newId();
    await insert('op_a', now, chain([['started', started()]])[0]!);
    const watch = await follow(undefined);
    await watch.stop();
    expect(watch.session.id).toBe(now);
  });

  it('shows nothing an outsider NOTIFYs on the channel', async () => {
    const id = newId();
    const lines = chain([['started', started()]]);
    await insert('op_a', id, lines[0]!);
    const watch = await follow(id);
    try {
      await as('outsider', `select pg_notify('runbook_events', $1)`, [JSON.stringify({ session: id, seq: 7, type: 'sealed', line: 'forged' })]);
      await insert('op_a', id, next(lines, 'note', { text: 'real' }));
      const deadline = Date.now() + 10_000;
      while (watch.events.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    } finally {
      await watch.stop();
    }
    expect(watch.events.map((e) => e.type)).toEqual(['started', 'note']);
  });

  it('gets one printable line per event, whatever another operator put in it', () => {
    const hostile = { seq: 1, ts: '2026-11-25T04:20:00.000Z', prev: ZERO_HASH } as const;
    const events = [
      { ...hostile, type: 'started', operator: { toString: 1 }, env: 'prod' },
      { ...hostile, type: 'note', text: 'ok\u001b[2J\u001b]52;c;ZXZpbA==\u0007\rfaked\nline' },
      { ...hostile, type: 'step', status: { valueOf: 'x', toString: 'y' }, step: 'a\u009b31m' },
      { ...hostile, type: 'x\u001b[31m' },
    ] as unknown as EventRecord[];
    for (const event of events) {
      const text = describeEvent(event);
      expect(text).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    }
    expect(describeEvent(events[1]!)).toContain('faked');
  });
});
