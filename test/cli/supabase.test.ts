// Supabase checks through `runbook exec`: an exposed table fails the action and the run (exit 1), a
// clean check passes, and no key reaches the session log. The CLI runs as a real process while the
// test Supabase server answers in this one, so it is spawned without blocking.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BIN, ROOT, runCli } from '../helpers/cli.js';
import { scratchDatabase } from '../helpers/scratchDatabase.js';
import { freshHome } from '../helpers/session.js';
import { startSupabaseServer, type FakeSupabase } from '../helpers/supabaseServer.js';

let supabase: FakeSupabase;
let database: Awaited<ReturnType<typeof scratchDatabase>>;
const home = freshHome();
const file = join(home.root, 'checks.md');

beforeAll(async () => {
  database = await scratchDatabase(inject('databaseUrl'), [`${ROOT}test/fixtures/supabase-api.sql`], 'supabase_cli');
  supabase = await startSupabaseServer(database.url);
  writeFileSync(file, '# Checks\n## Exposed\n```supabase\nrls check audit_notes ebooks\n```\n## Clean\n```supabase\nrls check ebooks drafts\nrls matrix drafts\n```\n');
});
afterAll(async () => {
  await supabase?.close();
  await database?.drop();
});

function exec(section: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = { ...home.env, NO_COLOR: '1', DATABASE_URL: database.url, SUPABASE_URL: supabase.url, SUPABASE_ANON_KEY: supabase.anonKey, SUPABASE_SERVICE_ROLE_KEY: supabase.serviceRoleKey };
  const child = spawn(process.execPath, [BIN, 'exec', file, '--section', section], { cwd: home.root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('supabase checks in runbook exec', () => {
  it('exits 1 when rls check finds a table anon can read', async () => {
    const out = await exec('Exposed');
    expect(out.code, out.stdout + out.stderr).toBe(1);
    expect(out.stdout).toContain('✗ failed: 1 of 2 tables return rows to anon: audit_notes');
    const dir = /Sealed session: (\S+)/.exec(out.stdout)![1]!;
    const log = readFileSync(join(dir, 'session.jsonl'), 'utf8');
    expect(log).not.toContain(supabase.serviceRoleKey);
    expect(log.trim().split('\n').map((l) => JSON.parse(l)).find((e) => e.type === 'action.finished')).toMatchObject({ status: 'failed', error: '1 of 2 tables return rows to anon: audit_notes' });
  });

  it('exits 0 when nothing is exposed, shows the matrix table, and the report carries it as a table', async () => {
    const out = await exec('Clean');
    expect(out.code, out.stdout + out.stderr).toBe(0);
    expect(out.stdout).toContain('none of 2 tables return rows to anon');
    expect(out.stdout).toMatch(/drafts │ 2 +│ 0 +│ 2 /);
    const id = /Verify: (?:npx )?runbook verify (\S+)/.exec(out.stdout)![1]!;
    const report = runCli(['report', id], { env: home.env });
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toContain('| table | total | anon | authenticated | shared | insert | update | delete |\n|---|---|---|---|---|---|---|---|\n| drafts | 2 | 0 | 2 | *NULL* | none | none | none |');
  });
});
