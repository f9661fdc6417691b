// `runbook exec` as a nightly job runs it: a real process, no stdin, a real PostgreSQL.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { BIN, runCli, SEED } from '../helpers/cli.js';
import { query as queryDatabase } from '../helpers/postgres.js';
import { freshHome, freshProject } from '../helpers/session.js';

const databaseUrl = inject('databaseUrl');
let home: ReturnType<typeof freshHome>;
let project: string;

beforeEach(() => {
  ({ home, project } = freshProject());
});

function exec(args: string[], extraEnv: Record<string, string> = {}) {
  return runCli(['exec', ...args], { cwd: project, env: { ...home.env, DATABASE_URL: databaseUrl, ...extraEnv } });
}

function sessionEvents(stdout: string): Array<Record<string, unknown>> {
  const dir = /Sealed session: (\S+)/.exec(stdout)![1]!;
  return readFileSync(join(dir, 'session.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

function verify(stdout: string) {
  const dir = /Sealed session: (\S+)/.exec(stdout)![1]!;
  const out = runCli(['verify', dir, '--json'], { env: home.env });
  return { code: out.code, result: JSON.parse(out.stdout) };
}

const query = (sql: string) => queryDatabase(databaseUrl, sql);

function runbook(name: string, text: string): string {
  const path = join(project, name);
  writeFileSync(path, text);
  return path;
}

describe('runbook exec', () => {
  it('runs the bundled RLS Misconfiguration section against the database, seals, and verifies', () => {
    const out = exec([SEED, '--section', 'RLS Misconfiguration', '--set', 'tablename=users', '--set', 'customer_email=ravi@example.com', '--set', 'other_customer_email=mei@example.com']);
    expect(out.stderr).toMatch(/created a signing key for dana@example.com at .*signing_key/);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain("select * from pg_policies where tablename = 'users'");
    const events = sessionEvents(out.stdout);
    expect(events[0]).toMatchObject({ type: 'started', env: 'local', section: { id: 'rls-misconfiguration' } });
    expect(events.filter((e) => e.type === 'step').map((e) => [e.step, e.status])).toEqual([
      ['rls-misconfiguration/1', 'skipped'], ['rls-misconfiguration/2', 'skipped'], ['rls-misconfiguration/2.1', 'done'],
      ['rls-misconfiguration/2.1.1', 'done'], ['rls-misconfiguration/2.2', 'skipped'], ['rls-misconfiguration/2.3', 'skipped'], ['rls-misconfiguration/2.4', 'skipped'],
    ]);
    expect(events.find((e) => e.type === 'action.finished')).toMatchObject({ status: 'ok', rows: 0, action: 'rls-misconfiguration/2.1#1' });
    expect(events.at(-1)).toMatchObject({ type: 'sealed', signer: 'dana@example.com' });
    expect(verify(out.stdout)).toMatchObject({ code: 0, result: { ok: true, sealed: true } });
  });

  it('names every missing placeholder at once, and starts no session', () => {
    const file = runbook('two.md', "# T\n## S\n- `supabase db dump --project-ref <ref> -f <file name>`\n- `select * from t where owner = '...'`\n");
    const out = exec([file, '--section', 'S']);
    expect(out.code).toBe(2);
    expect(out.stderr.trim()).toBe('runbook: Missing values for ref, file_name, owner: pass --set ref=… --set file_name=… --set owner=….');
    expect(existsSync(join(home.state, 'runbook', 'sessions'))).toBe(false);
  });

  it('refuses a write without --allow-writes (table untouched, refusal logged), and runs it with', async () => {
    const file = runbook('fix.md', "# Fix\n## Requeue\n1. Requeue the job: `update jobs set status = 'requeued' where id = 3`\n2. Check: `select status from jobs where id = 3`\n");
    const refused = exec([file, '--section', 'requeue']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/✗ refused: `update jobs set status = 'requeued' where id = 3` changes rows \(UPDATE\): it needs explicit permission \(runbook exec: --allow-writes\)/);
    expect(await query('select status from jobs where id = 3')).toEqual([{ status: 'queued' }]);
    const events = sessionEvents(refused.stdout);
    expect(events.find((e) => e.type === 'action.refused')).toMatchObject({ code: "update jobs set status = 'requeued' where id = 3" });
    expect(events.filter((e) => e.type === 'step').map((e) => e.status)).toEqual(['failed', 'skipped']);
    expect(verify(refused.stdout).code).toBe(0);

    const allowed = exec([file, '--section', 'requeue', '--allow-writes']);
    expect(allowed.code).toBe(0);
    expect(await query('select status from jobs where id = 3')).toEqual([{ status: 'requeued' }]);
    expect(sessionEvents(allowed.stdout).find((e) => e.type === 'confirmed')).toMatchObject({ what: 'write', reasons: ['changes rows (UPDATE)'] });
  });

  it('needs --confirm for a protected environment', () => {
    writeFileSync(join(project, 'runbook.config.json'), JSON.stringify({ environments: { prod: { databaseUrl: '$PROD_URL', protected: true } } }));
    const file = runbook('check.md', '# Check\n## Now\n- `select now()`\n');
    const refused = exec([file, '--section', 'now', '--env', 'prod'], { PROD_URL: databaseUrl });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/PROTECTED/);
    expect(refused.stdout).toMatch(/refused: prod is a protected environment: type its name to confirm \(runbook exec: --confirm prod\)/);
    expect(exec([file, '--section', 'now', '--env', 'prod', '--confirm', 'dev'], { PROD_URL: databaseUrl })).toMatchObject({ code: 2, stderr: 'runbook: --confirm dev does not match the environment, prod.\n' });
    const confirmed = exec([file, '--section', 'now', '--env', 'prod', '--confirm', 'prod'], { PROD_URL: databaseUrl });
    expect(confirmed.code).toBe(0);
    expect(sessionEvents(confirmed.stdout)[1]).toMatchObject({ type: 'confirmed', what: 'environment', env: 'prod' });
    // The environment's database password never reaches the log.
    const dir = /Sealed session: (\S+)/.exec(confirmed.stdout)![1]!;
    expect(readFileSync(join(dir, 'session.jsonl'), 'utf8')).not.toContain('pg-test-superuser-pw');
  });

  it('uses the environment named with --env, among several', () => {
    writeFileSync(join(project, 'runbook.config.json'), JSON.stringify({ defaultEnv: 'dev', environments: { dev: { databaseUrl: '$DEV_URL' }, staging: { databaseUrl: '$STAGING_URL' } } }));
    const file = runbook('which.md', '# W\n## Which\n- `echo "env=$RUNBOOK_ENV"`\n');
    const out = exec([file, '--section', 'which', '--env', 'staging'], { DEV_URL: databaseUrl, STAGING_URL: databaseUrl });
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/· env staging ·/);
    expect(out.stdout).toMatch(/^env=staging$/m);
    expect(exec([file, '--section', 'which', '--env', 'nope']).stderr).toMatch(/No environment "nope" \(known: dev, staging, local, sandbox\)/);
    // Without a database in the process environment, local is not offered.
    expect(runCli(['exec', file, '--section', 'which', '--env', 'local'], { cwd: project, env: home.env }).stderr).toMatch(/No environment "local" \(known: dev, staging, sandbox\)/);
  });

  it('refuses a destructive command, stops at the first failure, or goes on with --keep-going', () => {
    const file = runbook('cleanup.md', '# Clean\n## Up\n1. `rm -rf ./old`\n2. List pods:\n   ```sh\n   kubectl-missing get pods\n   ```\n3. `echo reached-step-three`\n');
    const stop = exec([file, '--section', 'up']);
    expect(stop.code).toBe(1);
    expect(stop.stdout).toMatch(/refused: `rm -rf \.\/old` runs rm -rf \.\/old, which deletes files: it needs explicit permission/);
    expect(stop.stdout).not.toMatch(/^reached-step-three$/m);
    const keepGoing = exec([file, '--section', 'up', '--keep-going']);
    expect(keepGoing.code).toBe(1);
    expect(keepGoing.stdout).toMatch(/failed: command not found: kubectl-missing — check that it is installed and on PATH/);
    expect(keepGoing.stdout).toMatch(/^reached-step-three$/m);
    expect(keepGoing.stdout).toMatch(/2 actions did not succeed/);
  });

  it('shows the plan with --dry-run and runs nothing', () => {
    const file = runbook('plan.md', "# P\n## Go\n- `echo should-not-run > ran.txt`\n- `select * from t where name = '...'`\n");
    const out = exec([file, '--section', 'go', '--dry-run', '--set', 'name=o\'brien']);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain("select * from t where name = 'o''brien'");
    expect(out.stdout).toMatch(/needs permission: .*|echo should-not-run/);
    expect(existsSync(join(project, 'ran.txt'))).toBe(false);
    expect(existsSync(join(home.state, 'runbook', 'sessions'))).toBe(false);
  });

  it('redacts secrets a command prints', () => {
    const file = runbook('leak.md', '# L\n## Leak\n- `echo "url is $DATABASE_URL and token sbp_0123456789abcdef0123456789abcdef01234567"`\n');
    const out = exec([file, '--section', 'leak']);
    expect(out.code).toBe(0);
    expect(out.stdout).not.toContain('pg-test-superuser-pw');
    expect(out.stdout).not.toContain('sbp_0123456789abcdef');
    const dir = /Sealed session: (\S+)/.exec(out.stdout)![1]!;
    for (const f of readdirSync(join(dir, 'evidence'))) expect(readFileSync(join(dir, 'evidence', f), 'utf8')).not.toMatch(/pg-test-superuser-pw|sbp_0123/);
  });

  it('honours a per-action timeout from the fence', () => {
    const file = runbook('slow.md', '# S\n## Slow\n```sh {timeout=1}\nsleep 20\n```\n');
    const out = exec([file, '--section', 'slow']);
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/✗ failed: timed out after 1 s and was stopped/);
    expect(sessionEvents(out.stdout).find((e) => e.type === 'action.finished')).toMatchObject({ status: 'failed', timedOut: true });
  });

  it('cancels the running action on Ctrl-C, seals what happened, and exits 130', async () => {
    const file = runbook('hang.md', '# H\n## Hang\n1. `sleep 60`\n2. `echo never`\n');
    const child = spawn(process.execPath, [BIN, 'exec', file, '--section', 'hang'], { cwd: project, env: { ...home.env, DATABASE_URL: databaseUrl } });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    while (!stdout.includes('sleep 60')) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGINT');
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(130);
    const events = sessionEvents(stdout);
    expect(events.find((e) => e.type === 'action.finished')).toMatchObject({ status: 'cancelled' });
    expect(events.map((e) => e.type)).toContain('interrupted');
    expect(stdout).not.toMatch(/^never$/m);
    expect(verify(stdout).result).toMatchObject({ ok: true, sealed: true });
  });

  it('says so when the section does not exist', () => {
    const out = exec([SEED, '--section', 'nope']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/^runbook: No section "nope" in Supabase Operations Runbook; sections: purpose, scope/);
  });
});
