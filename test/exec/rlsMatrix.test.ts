// `rls matrix` on the real PostgreSQL: the sandbox's own schema with Supabase's roles, and a schema
// the runbook never saw (tenants keyed on a JWT claim, a leaking view, column-level grants).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MatrixError, matrixCells, rlsMatrix, type MatrixResult } from '../../src/exec/supabase/matrix.js';
import { parseMatrixArgs } from '../../src/exec/supabase/matrixArgs.js';
import { ROOT } from '../helpers/cli.js';
import { scratchDatabase } from '../helpers/scratchDatabase.js';

let sandbox: Awaited<ReturnType<typeof scratchDatabase>>;
let tenants: Awaited<ReturnType<typeof scratchDatabase>>;

beforeAll(async () => {
  sandbox = await scratchDatabase(inject('databaseUrl'), [`${ROOT}db/sandbox/001-app.sql`], 'matrix_sandbox');
  tenants = await scratchDatabase(inject('databaseUrl'), [`${ROOT}test/fixtures/tenants.sql`], 'matrix_tenants');
});
afterAll(async () => {
  await sandbox?.drop();
  await tenants?.drop();
});

const matrix = (url: string, words: string) => rlsMatrix({ connectionString: url }, parseMatrixArgs(words.split(' ').filter(Boolean)), { timeoutMs: 20_000 });
const byTable = (result: MatrixResult) => Object.fromEntries(result.rows.map((r) => [r.table, Object.fromEntries(result.columns.map((c, i) => [c, matrixCells(r)[i]]))]));

describe('rls matrix on the sandbox schema (real PostgreSQL, Supabase roles)', () => {
  it('answers the incident: both users see all 3 ebooks, each sees only their own profile', async () => {
    const result = await matrix(sandbox.url, 'ebooks profiles --user email=ravi@example.com --user email=mei@example.com');
    expect(result.columns).toEqual(['table', 'total', 'anon', 'ravi@example.com', 'mei@example.com', 'shared', 'insert', 'update', 'delete']);
    expect(result.rows.map(matrixCells)).toEqual([
      ['ebooks', '3', '0', '3', '3', '3', 'none', 'none', 'none'],
      ['profiles', '3', '0', '1', '1', '0', 'none', 'none', 'none'],
    ]);
  });

  it('defaults to every table in public, with a signed-in stranger as the user', async () => {
    const result = await matrix(sandbox.url, '');
    expect(result.columns).toEqual(['table', 'total', 'anon', 'authenticated', 'shared', 'insert', 'update', 'delete']);
    const t = byTable(result);
    expect(Object.keys(t)).toEqual(['ebooks', 'evidence', 'mission_progress', 'profiles']);
    expect(t.mission_progress).toMatchObject({ total: '3', anon: '3', authenticated: '3' });
    expect(t.ebooks).toMatchObject({ anon: '0', authenticated: '3' });
    expect(t.evidence).toMatchObject({ total: '2', anon: '0', authenticated: '0', shared: '' });
    expect(result.notes.join('\n')).toMatch(/no --user given/);
  });

  it('counts other roles when asked, after the shared column', async () => {
    const result = await matrix(sandbox.url, 'evidence --role admin --user email=dana@example.com');
    expect(result.columns).toEqual(['table', 'total', 'anon', 'dana@example.com', 'shared', 'admin', 'insert', 'update', 'delete']);
    expect(matrixCells(result.rows[0]!)).toEqual(['evidence', '2', '0', '0', '', '2', 'none', 'none', 'none']);
  });
});

describe('rls matrix on a schema nobody named', () => {
  it('sees tenants keyed on a nested JWT claim, a view leaking through its owner, column grants, and writers', async () => {
    const result = await matrix(tenants.url, '--user sub=11111111-1111-1111-1111-111111111111,app_metadata.tenant=acme --user email=bo@globex.test,app_metadata.tenant=globex');
    const ana = '11111111-1111-1111-1111-111111111111';
    const t = byTable(result);
    expect(result.columns.slice(0, 6)).toEqual(['table', 'total', 'anon', ana, 'bo@globex.test', 'shared']);
    expect(t.invoices).toMatchObject({ total: '4', anon: '0', [ana]: '2', 'bo@globex.test': '1', shared: '0', insert: 'authenticated (policy)', update: 'none', delete: 'none' });
    // bo is resolved to his auth.users id, so auth.uid() policies see him.
    expect(t.notes).toMatchObject({ total: '3', anon: '0', [ana]: '2', 'bo@globex.test': '1', shared: '0' });
    // The view runs as its owner: everyone, anon included, reads every note.
    expect(t.all_notes).toMatchObject({ total: '3', anon: '3', [ana]: '3', 'bo@globex.test': '3', shared: '3' });
    expect(t.announcements_draft).toMatchObject({ anon: '0', [ana]: '2', 'bo@globex.test': '2', shared: '2' });
    // Column grants: anon reads the rows (not the salary), and users are compared by primary key.
    expect(t.staff).toMatchObject({ total: '2', anon: '2', shared: '2' });
    expect(t.signups).toMatchObject({ total: '0', anon: '0', shared: '0' });
    expect(t.guestbook).toMatchObject({ anon: '1', insert: 'anon, authenticated', update: 'anon, authenticated', delete: 'anon, authenticated' });
  });

  it('reports a table a role may not read at all as denied', async () => {
    const result = await matrix(tenants.url, 'auth.users --user email=ana@acme.test');
    expect(matrixCells(result.rows[0]!)).toEqual(['auth.users', '2', 'denied', 'denied', '', 'none', 'none', 'none']);
  });

  it('refuses unknown tables and databases without Supabase roles in one sentence', async () => {
    await expect(matrix(tenants.url, 'nope')).rejects.toThrow(new MatrixError('no table or view "nope" in the exposed schema public'));
    await expect(matrix(tenants.url, 'invoices --role nobody_here')).rejects.toThrow(/no role nobody_here/);
  });

  it('reports a policy that errors for a user as error, with the reason in the notes, and goes on', async () => {
    const result = await matrix(tenants.url, 'projects invoices --user org_id=not-a-uuid --user org_id=11111111-1111-1111-1111-111111111111');
    expect(result.rows.map(matrixCells).map((r) => r.slice(0, 6))).toEqual([
      ['projects', '1', '0', 'error', '1', ''],
      ['invoices', '4', '0', '0', '0', '0'],
    ]);
    expect(result.notes).toContainEqual(expect.stringMatching(/^projects as not-a-uuid: invalid input syntax for type uuid: "not-a-uuid" \(22P02\)$/));
  });

  it('finds a table whose name needs quoting, by its exact name', async () => {
    const result = await rlsMatrix({ connectionString: tenants.url }, parseMatrixArgs(['Odd "Name". t']), { timeoutMs: 20_000 });
    expect(matrixCells(result.rows[0]!).slice(0, 4)).toEqual(['Odd "Name". t', '1', '1', '1']);
  });

  it('says so when the database user may not act as anon', async () => {
    const url = new URL(tenants.url);
    url.username = 'app_reader';
    url.password = 'reader-pw';
    await expect(matrix(url.toString(), 'invoices')).rejects.toThrow(/^the database user may not act as the role anon \(permission denied to set role "anon"\); grant anon to it/);
  });

  it('says when row level security limits the connecting user, so total is not every row', async () => {
    const url = new URL(tenants.url);
    url.username = 'matrix_owner';
    url.password = 'owner-pw';
    const result = await matrix(url.toString(), 'ledger');
    expect(matrixCells(result.rows[0]!).slice(0, 4)).toEqual(['ledger', '1', 'denied', 'denied']);
    expect(result.notes).toContain('ledger: row level security applies to the connecting user too, so total is what it sees, not every row');
  });

  it('keeps values out of the SQL: a claim value full of quotes is only data', async () => {
    const result = await matrix(tenants.url, `invoices --user email=x'");drop_table_invoices;--@evil`);
    expect(matrixCells(result.rows[0]!).slice(0, 4)).toEqual(['invoices', '4', '0', '0']);
  });
});

describe('rls matrix time limits', () => {
  it('stops a count at the action timeout with one sentence', async () => {
    const started = Date.now();
    await expect(rlsMatrix({ connectionString: tenants.url }, parseMatrixArgs(['slow.t']), { timeoutMs: 1_000 })).rejects.toThrow(
      new MatrixError("a count ran longer than the action's 1 s timeout and was cancelled (57014)"),
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('stops when cancelled, and leaves no query running', async () => {
    const controller = new AbortController();
    const running = rlsMatrix({ connectionString: tenants.url }, parseMatrixArgs(['slow.t']), { timeoutMs: 60_000, signal: controller.signal });
    const watcher = new pg.Client({ connectionString: tenants.url });
    await watcher.connect();
    const active = async () => (await watcher.query("select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name = 'runbook rls matrix' and state = 'active' and query like '%\"slow\"%'")).rows[0].n as number;
    try {
      await expect.poll(active, { timeout: 10_000 }).toBe(1);
      controller.abort();
      await expect(running).rejects.toThrow(new MatrixError('cancelled by the operator'));
      await expect.poll(active, { timeout: 10_000 }).toBe(0);
    } finally {
      await watcher.end();
    }
  });
});

describe('rls matrix arguments', () => {
  it('names users by their first claim and numbers duplicates', () => {
    expect(parseMatrixArgs(['--user', 'email=a@x', '--user=email=a@x']).users.map((u) => u.label)).toEqual(['a@x', 'a@x #2']);
    expect(parseMatrixArgs(['--role', 'admin', '--user', 'email=anon', '--user', 'email=admin', '--user', 'email=anon']).users.map((u) => u.label)).toEqual(['anon (user)', 'admin (user)', 'anon #2']);
    expect(() => parseMatrixArgs(['--role', 'anon'])).toThrow(/--role anon would repeat a column/);
  });
  it('rejects bad claims, options and table names with one sentence', () => {
    expect(() => parseMatrixArgs(['--user', 'email'])).toThrow(/--user needs CLAIM=VALUE/);
    expect(() => parseMatrixArgs(['--user', 'bad name=x'])).toThrow(/is not a claim name/);
    expect(() => parseMatrixArgs(['--user'])).toThrow(/--user needs a value/);
    expect(() => parseMatrixArgs(['--all'])).toThrow(/unknown option --all/);
    expect(() => parseMatrixArgs(['a\u0007b'])).toThrow(/^"a\?b" is not a table name/);
    expect(() => parseMatrixArgs(['--role', 'x"y'])).toThrow(/is not a role name/);
  });
});
