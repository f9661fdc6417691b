// Supabase verbs against a server speaking the PostgREST and Storage protocol over the real Postgres,
// as Supabase behaves today: OpenAPI refused to anon, row level security on Storage, raw signed paths.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { resolveEnvironment } from '../../src/exec/environment.js';
import { runAction } from '../../src/exec/run.js';
import { runSupabase } from '../../src/exec/supabase.js';
import { evidencePath, EvidenceWriter } from '../../src/session/evidence.js';
import { ROOT } from '../helpers/cli.js';
import { scratchDatabase } from '../helpers/scratchDatabase.js';
import { freshHome, startTestSession } from '../helpers/session.js';
import { startSupabaseServer, type FakeSupabase } from '../helpers/supabaseServer.js';

let supabase: FakeSupabase;
let database: Awaited<ReturnType<typeof scratchDatabase>>;
const home = freshHome();
const session = startTestSession(home.env);

beforeAll(async () => {
  database = await scratchDatabase(inject('databaseUrl'), [`${ROOT}test/fixtures/supabase-api.sql`], 'supabase_api');
  supabase = await startSupabaseServer(database.url);
});
afterAll(async () => {
  await supabase?.close();
  await database?.drop();
});

function env(overrides: Record<string, string> = {}) {
  return resolveEnvironment({
    cwd: session.dir,
    processEnv: { PATH: process.env.PATH, DATABASE_URL: database.url, SUPABASE_URL: supabase.url, SUPABASE_ANON_KEY: supabase.anonKey, SUPABASE_SERVICE_ROLE_KEY: supabase.serviceRoleKey, ...overrides },
  });
}

const anonOnly = { SUPABASE_SERVICE_ROLE_KEY: '' };

async function run(code: string, overrides: Record<string, string> = {}, extra: { signal?: AbortSignal; timeoutMs?: number } = {}) {
  const result = await runSupabase(code, { env: env(overrides), evidence: () => new EvidenceWriter(session.dir), ...extra });
  const rows = readFileSync(evidencePath(session.dir, result.evidence!.sha256), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  return { result, rows };
}

const states = (rows: Array<Record<string, unknown>>) => Object.fromEntries(rows.filter((r) => 'state' in r).map((r) => [r.table, r.state]));

describe('the test server is faithful', () => {
  it('refuses the OpenAPI root to anon and lists only what the caller may use', async () => {
    const get = (key: string) => fetch(`${supabase.url}/rest/v1/`, { headers: { apikey: key, Authorization: `Bearer ${key}` } });
    expect((await get(supabase.anonKey)).status).toBe(401);
    const asUser = (await (await get(supabase.authenticatedKey)).json()) as { paths: Record<string, unknown>; definitions: Record<string, { properties: object }> };
    expect(Object.keys(asUser.paths)).not.toContain('/internal');
    expect(Object.keys(asUser.definitions.staff!.properties)).toEqual(['id', 'name']);
    const asService = (await (await get(supabase.serviceRoleKey)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(asService.paths)).toContain('/internal');
  });
});

describe('rls check', () => {
  it('tells rows, denied and empty apart with the service-role key, and fails on an exposed table', async () => {
    const { result, rows } = await run('rls check ebooks audit_notes signups staff internal drafts');
    expect(states(rows)).toEqual({ ebooks: 'denied', audit_notes: 'rows', signups: 'empty', staff: 'rows', internal: 'denied', drafts: 'denied' });
    expect(rows).toContainEqual({ table: 'staff', state: 'rows', status: 401, anonRows: null, totalRows: 2, anonColumns: ['id', 'name'] });
    expect(rows).toContainEqual({ table: 'ebooks', state: 'denied', status: 200, anonRows: 0, totalRows: 2 });
    expect(result.summary).toEqual([
      '2 of 6 tables return rows to anon: audit_notes, staff (columns id, name)',
      'denied to anon (permission or row level security): ebooks, internal, drafts',
      'empty, so nothing proves them protected (check them with rls matrix): signups',
      'readable by anon with row level security off, so exposed as soon as rows arrive: signups',
    ]);
    expect(result.error).toBe(result.summary[0]);
  });

  it('fails on an empty table anon may read with row level security off, when the database can say so', async () => {
    const withDb = await run('rls check signups ebooks');
    expect(withDb.rows).toContainEqual({ table: 'signups', openToAnon: true });
    expect(withDb.result.error).toBe('readable by anon with row level security off, so exposed as soon as rows arrive: signups');
    // Without a database only the API speaks: empty is said, not judged.
    const apiOnly = await run('rls check signups ebooks', { DATABASE_URL: '' });
    expect(apiOnly.result.error).toBeUndefined();
    expect(apiOnly.result.summary).toContain('empty, so nothing proves them protected (check them with rls matrix): signups');
  });

  it('passes when nothing is exposed', async () => {
    const { result } = await run('rls check ebooks drafts');
    expect(result.error).toBeUndefined();
    expect(result.summary[0]).toBe('none of 2 tables return rows to anon');
  });

  it('discovers every table with the service-role key', async () => {
    const before = supabase.requests.length;
    const { rows } = await run('rls check');
    expect(supabase.requests.slice(before)).toContain('GET /rest/v1/');
    expect(Object.keys(states(rows)).sort()).toEqual(['audit_notes', 'drafts', 'ebooks', 'internal', 'signups', 'staff']);
  });

  it('with only the anon key: refuses discovery, and cannot tell empty from blocked', async () => {
    expect((await run('rls check', anonOnly)).result.error).toMatch(/^rls check without table names needs SUPABASE_SERVICE_ROLE_KEY \(or a secret key\) to list the tables/);
    const { result, rows } = await run('rls check ebooks signups audit_notes internal', anonOnly);
    expect(states(rows)).toEqual({ ebooks: 'unknown', signups: 'unknown', audit_notes: 'rows', internal: 'denied' });
    expect(result.summary).toContain('no rows for anon, but without SUPABASE_SERVICE_ROLE_KEY empty cannot be told from blocked: ebooks, signups');
    expect(result.summary).toContain('readable by anon with row level security off, so exposed as soon as rows arrive: signups');
    expect(result.error).toMatch(/^1 of 4 tables return rows to anon: audit_notes$/);
  });

  it('names a table that does not exist instead of calling it protected', async () => {
    const { result } = await run('rls check no_such_table');
    expect(result.error).toBe('could not check: no_such_table (no such table: the answer carried no row count)');
  });
});

describe('rls matrix over the environment database', () => {
  it('shows the authenticated-only leak anon checks cannot see, as a CSV result table', async () => {
    const { result } = await run('rls matrix drafts ebooks');
    expect(result.error).toBeUndefined();
    expect(result.tables).toHaveLength(1);
    const table = result.tables[0]!;
    expect(table.columns).toEqual(['table', 'total', 'anon', 'authenticated', 'shared', 'insert', 'update', 'delete']);
    expect(readFileSync(evidencePath(session.dir, table.evidence.sha256), 'utf8')).toBe(
      'table,total,anon,authenticated,shared,insert,update,delete\ndrafts,2,0,2,,none,none,none\nebooks,2,0,1,,none,none,none\n',
    );
    expect(result.summary.join('\n')).toContain('drafts │ 2     │ 0    │ 2');
  });

  it('needs a database, and says so', async () => {
    const noDb = resolveEnvironment({ cwd: session.dir, processEnv: { PATH: process.env.PATH, PGHOST: '' } });
    noDb.database = undefined;
    const result = await runSupabase('rls matrix', { env: noDb, evidence: () => new EvidenceWriter(session.dir) });
    expect(result.error).toMatch(/^rls matrix reads the database, and no database is configured/);
  });
});

describe('storage', () => {
  it('lists buckets with the service-role key and says so', async () => {
    const { result, rows } = await run('storage buckets');
    expect(result.summary).toEqual(['3 buckets visible with the service-role key: covers (public), ebooks, evidence']);
    expect(rows).toContainEqual({ bucket: 'covers', public: true });
    expect(rows).toContainEqual({ key: 'service-role' });
  });

  it('warns when only the anon key is there: row level security hides the buckets', async () => {
    const { result } = await run('storage buckets', anonOnly);
    expect(result.summary).toEqual(['0 buckets visible with the anon key', expect.stringMatching(/^warning: no SUPABASE_SERVICE_ROLE_KEY, so this used the anon key/)]);
  });

  it('signs a nested path with spaces and measures it without downloading it', async () => {
    const before = supabase.downloadedBytes;
    const { result, rows } = await run('storage signed-url ebooks "folder/sub dir/nested file.pdf" 120');
    expect(result.error).toBeUndefined();
    expect(rows).toContainEqual({ bucket: 'ebooks', path: 'folder/sub dir/nested file.pdf', key: 'service-role', expiresIn: 120, status: 206, size: 100_000, contentType: 'application/octet-stream' });
    expect(supabase.downloadedBytes - before).toBeLessThanOrEqual(1);
    expect(result.summary[0]).toBe("ebooks/folder/sub dir/nested file.pdf: signed with the service-role key for 120 s; the URL answered 206, 100000 bytes");
  });

  it('signs a name with a literal %, and refuses # and ? with one sentence', async () => {
    const { result, rows } = await run('storage signed-url ebooks "notes/100% done.txt"');
    expect(result.error).toBeUndefined();
    expect(rows).toContainEqual(expect.objectContaining({ path: 'notes/100% done.txt', status: 206, size: 4 }));
    expect((await run('storage signed-url ebooks "a#b.pdf"')).result.error).toMatch(/^"a#b\.pdf" holds # or \?, which supabase-js cannot put in a signed URL/);
  });

  it('measures a top-level object and an empty one', async () => {
    expect((await run('storage signed-url ebooks runbooks.pdf')).rows).toContainEqual(expect.objectContaining({ path: 'runbooks.pdf', status: 206, size: 19, expiresIn: 60 }));
    expect((await run("storage signed-url ebooks 'empty.txt' 5")).rows).toContainEqual(expect.objectContaining({ path: 'empty.txt', status: 416, size: 0 }));
  });

  it('signs as the key role: anon may sign a public cover, not a private ebook', async () => {
    const cover = await run('storage signed-url covers front.png', anonOnly);
    expect(cover.result.error).toBeUndefined();
    expect(cover.result.summary[1]).toMatch(/^warning: no SUPABASE_SERVICE_ROLE_KEY/);
    expect((await run('storage signed-url ebooks runbooks.pdf', anonOnly)).result.error).toBe('signing ebooks/runbooks.pdf with the anon key failed: Object not found');
  });

  it('checks the expiry and the arguments before signing anything', async () => {
    for (const bad of ['0', '-5', '1.5', 'soon', '99999999999']) {
      expect((await run(`storage signed-url ebooks runbooks.pdf ${bad}`)).result.error).toMatch(/^the expiry ".*" is not a whole number of seconds between 1 and 31536000/);
    }
    expect((await run('storage signed-url ebooks')).result.error).toMatch(/^usage: storage signed-url BUCKET PATH/);
    expect((await run('storage signed-url ebooks folder/')).result.error).toBe('"folder/" names a folder, not an object');
    expect((await run('storage signed-url ebooks "unclosed.pdf')).result.error).toMatch(/^unclosed double quote/);
    expect((await run('storage signed-url ebooks nope.pdf')).result.error).toBe('signing ebooks/nope.pdf with the service-role key failed: Object not found');
  });
});

describe('every call has the action timeout and cancel', () => {
  it('gives up when the API does not answer within the timeout', async () => {
    supabase.stall = true;
    try {
      const started = Date.now();
      const { result } = await run('rls check ebooks', {}, { timeoutMs: 1_000 });
      expect(result.error).toBe("rls check ebooks: no answer within the action's 1 s timeout");
      expect(result.timedOut).toBe(true);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      supabase.stall = false;
    }
  });

  it('stops when the operator cancels', async () => {
    supabase.stall = true;
    try {
      const controller = new AbortController();
      const before = supabase.requests.length;
      const running = run('storage buckets', {}, { signal: controller.signal });
      await expect.poll(() => supabase.requests.length > before).toBe(true);
      controller.abort();
      const { result } = await running;
      expect(result).toMatchObject({ error: 'cancelled by the operator', cancelled: true });
    } finally {
      supabase.stall = false;
    }
  });
});

describe('through runAction', () => {
  it('redacts the summary and error, records the result table, and fails the action on an exposure', async () => {
    const where = { runbook: 'supabase-operations.md', section: 'rls-misconfiguration', step: 'rls-misconfiguration/2.1' };
    const environment = env();
    const s = startTestSession(home.env, { secrets: environment.secrets });
    const action = (code: string) => ({ kind: 'supabase' as const, code, line: 1, placeholders: [] });
    const leaked = await runAction(action(`rls check ${supabase.serviceRoleKey}`), { session: s, env: environment, where, actionId: 'a#1', values: {}, permissions: { environmentConfirmed: true, allowWrites: false } });
    expect(leaked.status).toBe('failed');
    expect(leaked.message).not.toContain(supabase.serviceRoleKey);
    const exposed = await runAction(action('rls check audit_notes\nrls matrix audit_notes'), { session: s, env: environment, where, actionId: 'a#2', values: {}, permissions: { environmentConfirmed: true, allowWrites: false } });
    expect(exposed).toMatchObject({ status: 'failed', message: '1 of 1 table return rows to anon: audit_notes' });
    const matrix = await runAction(action('rls matrix audit_notes'), { session: s, env: environment, where, actionId: 'a#3', values: {}, permissions: { environmentConfirmed: true, allowWrites: false } });
    expect(matrix.status).toBe('ok');
    const log = readFileSync(`${s.dir}/session.jsonl`, 'utf8');
    expect(log).not.toContain(supabase.serviceRoleKey);
    const outputs = log.trim().split('\n').map((l) => JSON.parse(l)).filter((e) => e.type === 'action.output' && e.action === 'a#3');
    expect(outputs[1]).toMatchObject({ columns: ['table', 'total', 'anon', 'authenticated', 'shared', 'insert', 'update', 'delete'], rows: 1 });
  });
});
