// Attack tests for the guards (issue 13): every case tries to change rows, sequences, large
// objects, other backends or files without permission, through `runbook exec` (superuser and a
// plain role) and through the TUI's run path (judge, then runAction as the TUI calls it).
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { judgeAction, needsPermission } from '../../src/exec/guard/judge.js';
import { resolveEnvironment } from '../../src/exec/environment.js';
import { runAction } from '../../src/exec/run.js';
import { makeAction } from '../../src/runbook/parse.js';
import { parseRunbook } from '../../src/runbook/parse.js';
import { allSections } from '../../src/runbook/walk.js';
import { runCli, SEED } from '../helpers/cli.js';
import { query } from '../helpers/postgres.js';
import { freshHome, startTestSession } from '../helpers/session.js';
import { SHELL_ATTACKS, SQL_ATTACKS, type AttackCase } from './attacks.cases.js';

const superUrl = inject('databaseUrl');
const DB = 'runbook_attacks';
const attackUrl = superUrl.replace(/\/runbook_test$/, `/${DB}`);
const plainUrl = attackUrl.replace(/\/\/postgres:[^@]+@/, '//rb_plain:plain-pw@');
const STUBS = ['oc', 'kubectl', 'terraform', 'tf', 'knife', 'virtctl', 'gsutil', 'helm'];

let home: ReturnType<typeof freshHome>;
let project: string;
let stubDir: string;
let marks: string;
let victim: pg.Client;
let victimPid: number;

async function connectVictim(): Promise<void> {
  victim = new pg.Client({ connectionString: attackUrl, application_name: 'victim' });
  victim.on('error', () => undefined);
  await victim.connect();
  victimPid = (await victim.query('select pg_backend_pid() as pid')).rows[0].pid;
}

beforeAll(async () => {
  await query(superUrl, `drop database if exists ${DB}`);
  await query(superUrl, `create database ${DB}`);
  await query(attackUrl, `
    do $$ begin if not exists (select from pg_roles where rolname = 'rb_plain') then create role rb_plain login password 'plain-pw'; end if; end $$;
    create table jobs (id serial primary key, status text not null);
    insert into jobs (status) select 'queued' from generate_series(1, 5);
    create function purge_jobs() returns int language sql as $f$ delete from jobs returning 1 $f$;
    create procedure purge_jobs_proc() language sql as $f$ delete from jobs $f$;
    create function kill_victim() returns boolean language sql security definer as $f$ select bool_or(pg_terminate_backend(pid)) from pg_stat_activity where application_name = 'victim' $f$;
    create function plus_purge(int, int) returns int language sql as $f$ select kill_victim()::int + $1 + $2 $f$;
    create operator ### (leftarg = int, rightarg = int, function = plus_purge);
    grant all on all tables in schema public to rb_plain;
    grant all on all sequences in schema public to rb_plain;
    grant execute on all functions in schema public to rb_plain;
    grant pg_signal_backend to rb_plain;
  `);
  await connectVictim();
  home = freshHome();
  project = join(home.root, 'project');
  mkdirSync(project);
  stubDir = join(home.root, 'stubs');
  marks = join(home.root, 'marks');
  mkdirSync(stubDir);
  mkdirSync(marks);
  for (const name of STUBS) {
    writeFileSync(join(stubDir, name), `#!/bin/sh\necho "$*" >> '${marks}/${name}'\necho "${name} ran: $*"\n`);
    chmodSync(join(stubDir, name), 0o755);
  }
});

afterAll(async () => {
  await victim?.end().catch(() => undefined);
});

interface Snapshot {
  db: unknown;
  victimAlive: boolean;
  files: Record<string, string>;
  marks: string[];
}

function scratch(): { dir: string; mark: string } {
  const dir = mkdtempSync(join(home.root, 'case-'));
  chmodSync(dir, 0o777);
  writeFileSync(join(dir, 'victim.txt'), 'precious\n');
  writeFileSync(join(dir, 'a.txt'), 'a\n');
  writeFileSync(join(dir, 'evil.sql'), 'select 1;\ndelete from jobs;\n');
  writeFileSync(join(dir, 'evil.sh'), `rm -rf ${dir}\n`);
  return { dir, mark: join(dir, 'MARK') };
}

async function snapshot(dir: string): Promise<Snapshot> {
  const [db] = await query(attackUrl, `select
    (select string_agg(id || ':' || status, ',' order by id) from jobs) as rows,
    (select last_value || ':' || is_called from jobs_id_seq) as seq,
    (select count(*) from pg_largeobject_metadata) as large_objects,
    (select count(*) from pg_class where relnamespace = 'public'::regnamespace) as relations,
    (select count(*) from pg_stat_activity where application_name = 'victim') as victims`);
  let victimAlive = false;
  try {
    victimAlive = (await victim.query('select pg_backend_pid() as pid')).rows[0].pid === victimPid;
  } catch {
    victimAlive = false;
  }
  const files: Record<string, string> = {};
  for (const f of readdirSync(dir)) files[f] = readFileSync(join(dir, f), 'utf8');
  return { db, victimAlive, files, marks: readdirSync(marks) };
}

function substitute(text: string, dir: string, mark: string): string {
  return text.replaceAll('MARK', mark).replaceAll('DIR', dir);
}

function prepared(attack: AttackCase, dir: string, mark: string) {
  const code = substitute(attack.code, dir, mark);
  const values = Object.fromEntries(Object.entries(attack.values ?? {}).map(([k, v]) => [k, substitute(v, dir, mark)]));
  return { code, values };
}

function execAttack(attack: AttackCase, url: string, dir: string, mark: string, extra: string[] = []) {
  const { code, values } = prepared(attack, dir, mark);
  const file = join(dir, '..', `${attack.kind}-${Math.random().toString(36).slice(2)}.md`);
  writeFileSync(file, `# Attack\n## Go\n1. Try:\n   \`\`\`\`${attack.kind === 'sql' ? 'sql' : 'sh'}\n${code.split('\n').map((l) => `   ${l}`).join('\n')}\n   \`\`\`\`\n`);
  const sets = Object.entries(values).flatMap(([k, v]) => ['--set', `${k}=${v}`]);
  return runCli(['exec', file, '--section', 'go', ...sets, ...extra], { cwd: project, env: { ...home.env, DATABASE_URL: url, PATH: `${stubDir}:${process.env.PATH}` } });
}

function expectOutcome(attack: AttackCase, out: { code: number | null; stdout: string; stderr: string }, mark: string) {
  if (attack.outcome === 'refused') {
    const line = out.stdout.split('\n').find((l) => l.includes('✗ refused:'));
    expect(line, `${attack.name}: expected a refusal\n${out.stdout}\n${out.stderr}`).toBeDefined();
    expect(line).toMatch(attack.reason!);
    expect(out.code).toBe(1);
  } else {
    expect(out.stdout, out.stderr).not.toContain('✗ refused');
    expect(out.stderr).not.toMatch(/at .*\.js:\d+/);
    if (attack.kind === 'shell' && Object.values(attack.values ?? {}).some((v) => v.includes('touch'))) expect(out.stdout).toContain(`touch ${mark}`);
  }
}

async function expectUnchanged(before: Snapshot, dir: string): Promise<void> {
  const after = await snapshot(dir);
  if (!after.victimAlive) await connectVictim();
  expect(after).toEqual(before);
}

const ALL = [...SQL_ATTACKS, ...SHELL_ATTACKS];

describe('attacks through runbook exec, as the superuser', () => {
  it('has at least 40 cases', () => expect(ALL.length).toBeGreaterThanOrEqual(40));
  for (const attack of ALL) {
    it(`${attack.kind}: ${attack.name}`, async () => {
      const { dir, mark } = scratch();
      const before = await snapshot(dir);
      const out = execAttack(attack, attackUrl, dir, mark);
      await expectUnchanged(before, dir);
      expectOutcome(attack, out, mark);
    });
  }
});

describe('attacks through runbook exec, as a plain role with write grants', () => {
  for (const attack of ALL.filter((a) => a.kind === 'sql' || /psql/.test(a.code))) {
    it(`${attack.kind}: ${attack.name}`, async () => {
      const { dir, mark } = scratch();
      const before = await snapshot(dir);
      const out = execAttack(attack, plainUrl, dir, mark);
      await expectUnchanged(before, dir);
      expectOutcome(attack, out, mark);
    });
  }
});

describe("attacks through the TUI's run path (judge, then runAction), as a plain role", () => {
  for (const attack of ALL) {
    it(`${attack.kind}: ${attack.name}`, async () => {
      const { dir, mark } = scratch();
      const { code, values } = prepared(attack, dir, mark);
      const env = resolveEnvironment({ cwd: project, processEnv: { ...home.env, DATABASE_URL: plainUrl, PATH: `${stubDir}:${process.env.PATH}` } });
      const action = makeAction(attack.kind, code, 1);
      const verdict = await judgeAction(action, env, values);
      if (attack.outcome === 'refused') {
        expect(needsPermission(verdict, env), verdict.reasons.join('; ')).toBe(true);
        expect(verdict.reasons.join('; ')).toMatch(attack.reason!);
      }
      const before = await snapshot(dir);
      const session = startTestSession(home.env);
      const outcome = await runAction(action, { session, env, where: { runbook: 'a.md', section: 'go', step: 'go/1' }, actionId: 'go/1#1', values, permissions: { environmentConfirmed: true, allowWrites: false } });
      await expectUnchanged(before, dir);
      if (attack.outcome === 'refused') {
        expect(outcome.status).toBe('refused');
        expect(outcome.message).toMatch(attack.reason!);
      } else {
        expect(outcome.status).not.toBe('refused');
      }
    });
  }
});

describe('with permission the legitimate forms run', () => {
  it('pg_terminate_backend ends the other backend with --allow-writes', async () => {
    const { dir, mark } = scratch();
    const out = execAttack(SQL_ATTACKS.find((a) => a.name === 'pg_terminate_backend of another session')!, attackUrl, dir, mark, ['--allow-writes']);
    expect(out.code, out.stdout + out.stderr).toBe(0);
    await expect(victim.query('select 1')).rejects.toThrow();
    await connectVictim();
  });

  it('kubectl rollout restart and oc delete run with --allow-writes', () => {
    const { dir, mark } = scratch();
    const out = execAttack({ name: 'restart', kind: 'shell', code: 'kubectl rollout restart deploy/api && oc delete pod api-1', outcome: 'runs' }, attackUrl, dir, mark, ['--allow-writes']);
    expect(out.code, out.stdout).toBe(0);
    expect(readFileSync(join(marks, 'kubectl'), 'utf8')).toContain('rollout restart deploy/api');
    expect(readFileSync(join(marks, 'oc'), 'utf8')).toContain('delete pod api-1');
    for (const f of readdirSync(marks)) rmSync(join(marks, f));
  });

  it('a write with --allow-writes commits', async () => {
    const { dir, mark } = scratch();
    const out = execAttack({ name: 'update', kind: 'sql', code: "update jobs set status = 'requeued' where id = 5", outcome: 'runs' }, attackUrl, dir, mark, ['--allow-writes']);
    expect(out.code, out.stdout).toBe(0);
    expect(await query(attackUrl, 'select status from jobs where id = 5')).toEqual([{ status: 'requeued' }]);
    await query(attackUrl, "update jobs set status = 'queued' where id = 5");
  });

  it('reads run without asking: kubectl get, psql with a select, finished-after-kill', async () => {
    const env = resolveEnvironment({ cwd: project, processEnv: { ...home.env, DATABASE_URL: attackUrl } });
    for (const [kind, code] of [
      ['shell', 'kubectl -n prod get pods finished-after-kill'],
      ['shell', 'oc logs deploy/api --tail 100 | grep -i error'],
      ['shell', 'psql "$DATABASE_URL" -X -c "select count(*) from jobs"'],
      ['shell', 'cat /etc/hostname && dig example.com +short'],
      ['shell', 'curl -s https://status.example.com/api'],
      ['shell', 'supabase projects list'],
      ['sql', "select count(*) from jobs where status = 'queued'"],
      ['sql', 'explain select * from jobs'],
      ['sql', 'select pg_size_pretty(pg_database_size(current_database())), now()'],
    ] as const) {
      const verdict = await judgeAction(makeAction(kind, code, 1), env, {});
      expect(verdict.tier, `${code}: ${verdict.reasons.join('; ')}`).toBe('read');
    }
  });

  it("the bundled runbook's read-only actions never ask", async () => {
    const env = resolveEnvironment({ cwd: project, processEnv: { ...home.env, DATABASE_URL: attackUrl } });
    const runbook = parseRunbook(readFileSync(SEED, 'utf8'));
    const actions = allSections({ title: '', sections: runbook.sections }).flatMap((s) => s.steps.flatMap(function all(step): import('../../src/runbook/model.js').Action[] {
      return [...step.actions, ...step.steps.flatMap(all)];
    }));
    const readOnly = actions.filter((a) => /migration:status|pg_policies|pg_stat_statements/.test(a.code));
    expect(readOnly.map((a) => a.code).join('\n')).toMatch(/migration:status[\s\S]*pg_policies/);
    // The runbook names pg_stat_statements in prose; the query an operator runs from it:
    readOnly.push(makeAction('sql', 'select query, calls, total_exec_time from pg_stat_statements order by total_exec_time desc limit 10', 1));
    for (const action of readOnly) {
      const verdict = await judgeAction(action, env, { tablename: 'users' });
      expect(verdict.tier, `${action.code}: ${verdict.reasons.join('; ')}`).toBe('read');
    }
  });
});
