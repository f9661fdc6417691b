// The SQL runner against a real PostgreSQL.
import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { evidencePath, EvidenceWriter } from '../../src/session/evidence.js';
import { runSql, type SqlOptions } from '../../src/exec/sql.js';
import { query as queryDatabase } from '../helpers/postgres.js';
import { freshHome, startTestSession } from '../helpers/session.js';

const url = inject('databaseUrl');
const port = inject('databasePort');

function options(dir: string, overrides: Partial<SqlOptions> = {}): SqlOptions {
  return { database: { connectionString: url }, statementTimeoutMs: 10_000, allowWrites: false, evidence: () => new EvidenceWriter(dir), ...overrides };
}

const query = (sql: string) => queryDatabase(url, sql);

describe('runSql', () => {
  const session = startTestSession(freshHome().env);

  it('reads, keeping a page for display and every row in CSV evidence', async () => {
    const result = await runSql("select * from pg_policies where tablename = 'ebooks' order by policyname", options(session.dir, { pageSize: 1 }));
    expect(result.error).toBeUndefined();
    const [statement] = result.statements;
    expect(statement).toMatchObject({ command: 'SELECT', rowCount: 2 });
    expect(statement!.columns).toContain('policyname');
    expect(statement!.page).toHaveLength(1);
    const csv = readFileSync(evidencePath(session.dir, statement!.evidence!.sha256), 'utf8');
    expect(csv.split('\n')[0]).toBe(statement!.columns.join(','));
    expect(csv).toContain('anon_read');
    expect(csv).toContain('owner_read');
  });

  it('keeps NULL and empty strings apart, and values as PostgreSQL prints them', async () => {
    const result = await runSql("select null::text as a, ''::text as b, 'x,y' as c, 1.50::numeric as d, '2026-11-24 03:10:00+00'::timestamptz as e", options(session.dir));
    const csv = readFileSync(evidencePath(session.dir, result.statements[0]!.evidence!.sha256), 'utf8');
    expect(csv).toBe('a,b,c,d,e\n,"","x,y",1.50,2026-11-24 03:10:00+00\n');
    expect(result.statements[0]!.page[0]).toEqual([null, '', 'x,y', '1.50', '2026-11-24 03:10:00+00']);
  });

  it('refuses to write in a read-only run and leaves the table untouched; writes when allowed', async () => {
    const refused = await runSql("update jobs set status = 'done' where id = 1", options(session.dir));
    expect(refused.error).toMatchObject({ sqlstate: '25006' });
    expect(refused.error!.sentence).toMatch(/ran read-only/);
    expect(await query('select status from jobs where id = 1')).toEqual([{ status: 'queued' }]);
    const allowed = await runSql("update jobs set status = 'done' where id = 1", options(session.dir, { allowWrites: true }));
    expect(allowed.error).toBeUndefined();
    expect(allowed.statements[0]).toMatchObject({ command: 'UPDATE', rowCount: 1 });
    expect(await query('select status from jobs where id = 1')).toEqual([{ status: 'done' }]);
  });

  it('runs several statements in one transaction and rolls back all of them on error', async () => {
    const result = await runSql("update jobs set status = 'x' where id = 2; select 1/0;", options(session.dir, { allowWrites: true }));
    expect(result.error).toMatchObject({ sqlstate: '22012', statementIndex: 1 });
    expect(await query('select status from jobs where id = 2')).toEqual([{ status: 'queued' }]);
  });

  it('stops a statement at its statement_timeout', async () => {
    const result = await runSql('select pg_sleep(5)', options(session.dir, { statementTimeoutMs: 300 }));
    expect(result.error).toMatchObject({ sqlstate: '57014' });
    expect(result.error!.sentence).toMatch(/statement_timeout/);
  });

  it('says where a syntax error is, with SQLSTATE and position', async () => {
    const result = await runSql('select *\nfrom pg_policies\nwhere tablename = = 1', options(session.dir));
    expect(result.error).toMatchObject({ sqlstate: '42601', position: { line: 3, column: 19 } });
    expect(result.error!.sentence).toMatch(/syntax error .*42601.* at line 3, column 19/);
  });

  it('survives the backend being killed mid-query, and the next query works', async () => {
    const running = runSql('select pg_sleep(10)', options(session.dir));
    await new Promise((r) => setTimeout(r, 400));
    await query("select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'runbook' and query like '%pg_sleep(10)%'");
    const result = await running;
    expect(result.error?.sqlstate).toBe('57P01');
    expect(result.error!.sentence).toMatch(/server ended the connection/);
    const next = await runSql('select 42 as answer', options(session.dir));
    expect(next.statements[0]!.page).toEqual([['42']]);
  });

  it('is cancelled by the operator', async () => {
    const controller = new AbortController();
    const running = runSql('select pg_sleep(10)', options(session.dir, { signal: controller.signal }));
    await new Promise((r) => setTimeout(r, 300));
    controller.abort();
    const result = await running;
    expect(result.cancelled).toBe(true);
    expect(result.error!.sentence).toBe('cancelled by the operator');
  });

  it('gives one clear sentence for a bad password, a missing database and an unreachable port', async () => {
    const bad = await runSql('select 1', options(session.dir, { database: { connectionString: `postgresql://app_reader:wrong@127.0.0.1:${port}/runbook_test` } }));
    expect(bad.error!.sentence).toMatch(/refused the password .*28P01/);
    const missing = await runSql('select 1', options(session.dir, { database: { connectionString: `postgresql://app_reader:reader-pw@127.0.0.1:${port}/nope` } }));
    expect(missing.error!.sentence).toMatch(/database "nope" does not exist/);
    const closed = await runSql('select 1', options(session.dir, { database: { connectionString: 'postgresql://x:y@127.0.0.1:1/db' } }));
    expect(closed.error!.sentence).toBe('cannot connect to the database at 127.0.0.1:1/db: connection refused (is it running, and is the port right?)');
  });
});
