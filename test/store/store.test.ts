// The team store against a real PostgreSQL: migrations, mirroring, an outage, watchers, RLS.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex, splitLines } from '../../src/session/chain.js';
import type { EventRecord } from '../../src/session/chain.js';
import { followSession } from '../../src/store/follow.js';
import { BIN, runCli } from '../helpers/cli.js';
import { query, startCluster, type Cluster } from '../helpers/postgres.js';
import { freshHome } from '../helpers/session.js';

let cluster: Cluster;
beforeAll(async () => {
  cluster = await startCluster();
});
afterAll(() => cluster.stop());


function db(action: string, url: string) {
  return runCli(['db', action], { env: { DATABASE_URL: url } });
}

describe('store migrations', () => {
  it('migrate, status (nothing pending), rollback (tables gone), migrate again', async () => {
    await query(cluster.url, 'create database migrations_test');
    const url = cluster.url.replace(/\/runbook_test$/, '/migrations_test');
    const pending = db('status', url);
    expect(pending.stdout).toMatch(/version 0 of 3[\s\S]*pending +001 store[\s\S]*pending +002 ownership[\s\S]*pending +003 excerpts[\s\S]*3 pending migrations: run npm run db:migrate/);
    expect(pending.code).toBe(1);
    expect(db('migrate', url)).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Applied migrations 1, 2, 3 to local/) });
    const applied = db('status', url);
    expect(applied.stdout).toMatch(/version 3 of 3[\s\S]*applied +001 store[\s\S]*applied +002 ownership[\s\S]*applied +003 excerpts[\s\S]*No pending migrations\./);
    expect(applied.code).toBe(0);
    expect(db('migrate', url).stdout).toMatch(/No pending migrations on local .*: nothing to apply/);
    const tables = () => query<{ n: number }>(url, "select count(*)::int as n from pg_tables where tablename in ('runbook_sessions', 'runbook_events')");
    expect(await tables()).toEqual([{ n: 2 }]);
    expect(db('rollback', url)).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Rolled back migration 3/) });
    expect(db('status', url)).toMatchObject({ code: 1, stdout: expect.stringMatching(/version 2 of 3[\s\S]*1 pending migration: run/) });
    expect(db('rollback', url)).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Rolled back migration 2/) });
    const one = db('status', url);
    expect(one).toMatchObject({ code: 1, stdout: expect.stringMatching(/version 1 of 3[\s\S]*2 pending migrations: run/) });
    expect(db('rollback', url)).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Rolled back migration 1/) });
    expect(await tables()).toEqual([{ n: 0 }]);
    expect(db('rollback', url).stdout).toMatch(/Nothing to roll back/);
    expect(db('migrate', url).code).toBe(0);
    expect(await tables()).toEqual([{ n: 2 }]);
  });

  it('says which database failed and why', () => {
    const out = db('status', 'postgresql://x:y@127.0.0.1:1/nope');
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/^runbook: status on local \(127\.0\.0\.1:1\/nope\) failed: .*ECONNREFUSED/);
  });
});

describe('mirroring', () => {
  beforeAll(() => {
    expect(db('migrate', cluster.url).code).toBe(0);
  });

  function execMirrored(home: ReturnType<typeof freshHome>, file: string, section: string) {
    return runCli(['exec', file, '--section', section], { cwd: home.root, env: { ...home.env, RUNBOOK_STORE_URL: cluster.url, DATABASE_URL: cluster.url } });
  }

  it('mirrors an exec session: as many rows as lines, equal hashes, and verify --store agrees', async () => {
    const home = freshHome();
    const file = join(home.root, 'check.md');
    writeFileSync(file, '# Check\n## Now\n1. `select now()`\n2. `echo hello`\n');
    const out = execMirrored(home, file, 'now');
    expect(out.code).toBe(0);
    expect(out.stdout, out.stdout).toMatch(/Mirrored to the team store/);
    const dir = /Sealed session: (\S+)/.exec(out.stdout)![1]!;
    const id = dir.split('/').pop()!;
    const lines = splitLines(readFileSync(join(dir, 'session.jsonl')));
    const rows = await query<{ seq: number; hash: string }>(cluster.url, 'select seq, hash from runbook_events where session_id = $1 order by seq', [id]);
    expect(rows).toHaveLength(lines.length);
    expect(rows.map((r) => r.hash)).toEqual(lines.map((l) => sha256Hex(l)));
    expect(await query(cluster.url, 'select status, events, signer, signature is not null as signed from runbook_sessions where id = $1', [id])).toEqual([
      { status: 'sealed', events: lines.length, signer: 'dana@example.com', signed: true },
    ]);
    const verified = runCli(['verify', id, '--store', cluster.url, '--json'], { env: home.env });
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, owner: 'postgres', differences: [], store: { ok: true, sealed: true, signature: 'valid' } });
  });

  it('keeps working while the store is down, and sends the backlog once it is back', async () => {
    const home = freshHome();
    const file = join(home.root, 'slow.md');
    writeFileSync(file, '# Slow\n## Steps\n1. `echo step-one`\n2. `sleep 2`\n3. `echo step-three`\n');
    const child = spawn(process.execPath, [BIN, 'exec', file, '--section', 'steps'], { cwd: home.root, env: { ...home.env, RUNBOOK_STORE_URL: cluster.url, DATABASE_URL: cluster.url } });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    while (!stdout.includes('sleep 2')) await new Promise((r) => setTimeout(r, 20));
    cluster.pause();
    let code: unknown;
    try {
      code = await new Promise((resolve) => child.on('exit', resolve));
    } finally {
      cluster.resume();
    }
    expect(code).toBe(0);
    expect(stdout).toMatch(/^step-three$/m);
    expect(stdout).toMatch(/The team store is offline .*events wait locally and go on the next run/);
    const dir = /Sealed session: (\S+)/.exec(stdout)![1]!;
    const id = dir.split('/').pop()!;
    // The next run sends the backlog.
    const next = execMirrored(home, file, 'steps');
    expect(next.stdout).toMatch(/with 1 earlier session from the backlog/);
    const verified = runCli(['verify', id, '--store', cluster.url, '--json'], { env: home.env });
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, differences: [] });
  }, 60_000);

  it('shows two watchers the same events in order', async () => {
    const home = freshHome();
    const file = join(home.root, 'watched.md');
    writeFileSync(file, '# W\n## Watched\n1. `echo one`\n2. `echo two`\n3. `select 1`\n');
    // A session to watch: start it, then follow it while it runs.
    const first = execMirrored(home, file, 'watched');
    const id = /Sealed session: (\S+)/.exec(first.stdout)![1]!.split('/').pop()!;
    const seen: EventRecord[][] = [[], []];
    const watchers = await Promise.all(seen.map((list) => followSession({ connectionString: cluster.url }, id, (events) => list.push(...events))));
    const count = (await query<{ n: number }>(cluster.url, 'select count(*)::int as n from runbook_events where session_id = $1', [id]))[0]!.n;
    while (seen.some((list) => list.length < count)) await new Promise((r) => setTimeout(r, 20));
    await Promise.all(watchers.map((w) => w.stop()));
    expect(seen[0]!.map((e) => e.seq)).toEqual([...Array(count).keys()]);
    expect(seen[1]).toEqual(seen[0]);
  });
});

describe('row level security', () => {
  it('lets an operator read sessions and add events, never update or delete them', async () => {
    expect(db('migrate', cluster.url).code).toBe(0);
    await query(cluster.url, "do $$ begin if not exists (select 1 from pg_roles where rolname = 'alex') then create role alex login password 'alex-pw' in role runbook_operator; end if; end $$");
    const alex = cluster.url.replace(/postgres:[^@]+@/, 'alex:alex-pw@');
    const sessions = await query<{ n: number }>(alex, 'select count(*)::int as n from runbook_sessions');
    expect(sessions[0]!.n).toBeGreaterThan(0);
    await expect(query(alex, "update runbook_events set type = 'note' where seq = 0")).rejects.toThrow(/permission denied for table runbook_events/);
    await expect(query(alex, 'delete from runbook_events')).rejects.toThrow(/permission denied for table runbook_events/);
    await expect(query(alex, "update runbook_sessions set status = 'open'")).rejects.toThrow(/permission denied for table runbook_sessions/);
    // An insert that does not continue the chain is refused by the store itself.
    const [row] = await query<{ session_id: string; seq: number }>(alex, 'select session_id, max(seq) as seq from runbook_events group by session_id limit 1');
    const forged = JSON.stringify({ seq: row!.seq + 1, ts: '2026-11-24T03:10:00.000Z', type: 'note', prev: '0'.repeat(64), text: 'forged' });
    await expect(query(alex, 'insert into runbook_events (session_id, line) values ($1, $2)', [row!.session_id, forged])).rejects.toThrow(/belongs to postgres; alex may not append/);
  });
});
