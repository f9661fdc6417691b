// Supabase verbs against a server speaking the PostgREST and Storage protocol over the real Postgres.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { resolveEnvironment } from '../../src/exec/environment.js';
import { runSupabase } from '../../src/exec/supabase.js';
import { evidencePath, EvidenceWriter } from '../../src/session/evidence.js';
import { freshHome, startTestSession } from '../helpers/session.js';
import { startSupabaseServer, type FakeSupabase } from '../helpers/supabaseServer.js';

let supabase: FakeSupabase;
const session = startTestSession(freshHome().env);

beforeAll(async () => {
  supabase = await startSupabaseServer(inject('databaseUrl'));
});
afterAll(() => supabase.close());

function env(overrides: Record<string, string> = {}) {
  return resolveEnvironment({
    cwd: session.dir,
    processEnv: { PATH: process.env.PATH, SUPABASE_URL: supabase.url, SUPABASE_ANON_KEY: supabase.anonKey, SUPABASE_SERVICE_ROLE_KEY: supabase.serviceRoleKey, ...overrides },
  });
}

async function run(code: string, overrides: Record<string, string> = {}) {
  const result = await runSupabase(code, { env: env(overrides), evidence: () => new EvidenceWriter(session.dir) });
  const rows = readFileSync(evidencePath(session.dir, result.evidence!.sha256), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  return { result, rows };
}

describe('supabase verbs', () => {
  it('reports an exposed table and not a protected one (rls check over real RLS)', async () => {
    const { result, rows } = await run('rls check ebooks audit_notes');
    expect(result.error).toBeUndefined();
    expect(rows.filter((r) => 'exposed' in r)).toEqual([
      { table: 'ebooks', status: 200, exposed: false },
      { table: 'audit_notes', status: 200, exposed: true },
    ]);
    expect(result.summary).toEqual(['1 of 2 tables return rows to anon: audit_notes']);
  });

  it('checks every table in public when none are named', async () => {
    const { result } = await run('rls check');
    expect(result.summary[0]).toBe('3 of 4 tables return rows to anon: audit_notes, jobs, users');
    expect(supabase.requests).toContain('GET /rest/v1/');
  });

  it('lists buckets with their public flag', async () => {
    const { result, rows } = await run('storage buckets');
    expect(result.summary).toEqual(['3 buckets: covers (public), ebooks, evidence']);
    expect(rows).toContainEqual({ bucket: 'covers', public: true });
  });

  it('signs a URL for an object and fetches it', async () => {
    const { result, rows } = await run('storage signed-url ebooks runbooks.pdf 60');
    expect(result.error).toBeUndefined();
    expect(rows).toContainEqual({ bucket: 'ebooks', path: 'runbooks.pdf', status: 200, size: 19, contentType: 'application/octet-stream' });
  });

  it('fails with one sentence for a missing object, a missing key and an unknown verb', async () => {
    expect((await run('storage signed-url ebooks nope.pdf')).result.error).toMatch(/signing ebooks\/nope.pdf failed: Object not found/);
    expect((await run('rls check', { SUPABASE_ANON_KEY: '' })).result.error).toBe('SUPABASE_ANON_KEY is not set for this environment');
    expect((await run('functions deploy')).result.error).toMatch(/^unknown supabase verb "functions deploy"; known: storage buckets/);
  });
});
