// The mirror against a store that holds something else: a live hijack is reported by the victim's
// exec (exit 1) and by the TUI's status bar; a recreated store is refilled; rollback of a store that
// holds sessions needs the operator's typed decision.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import React from 'react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatusBar } from '../../src/components/StatusBar.js';
import { dbCommand, type DecisionInput } from '../../src/commands/db.js';
import { sha256Hex, splitLines } from '../../src/session/chain.js';
import { Mirror, type MirrorStatus } from '../../src/store/mirror.js';
import { migrate, rollback } from '../../src/store/migrate.js';
import { BIN, runCli } from '../helpers/cli.js';
import { query, startCluster, type Cluster } from '../helpers/postgres.js';
import { freshHome, startTestSession } from '../helpers/session.js';
import { KEY, renderTui } from '../helpers/tui.js';
import { resolveEnvironment } from '../../src/exec/environment.js';

let cluster: Cluster;

function urlOf(role: 'op_a' | 'op_b' | 'postgres', database = 'runbook_test'): string {
  const base = cluster.url.replace(/\/runbook_test$/, `/${database}`);
  return role === 'postgres' ? base : base.replace(/postgres:[^@]+@/, `${role}:${role}-pw@`);
}

beforeAll(async () => {
  cluster = await startCluster();
  await migrate({ connectionString: cluster.url });
  for (const role of ['op_a', 'op_b']) await query(cluster.url, `create role ${role} login password '${role}-pw' in role runbook_operator`);
});
afterAll(() => cluster?.stop());

function localLines(dir: string): string[] {
  return splitLines(readFileSync(join(dir, 'session.jsonl'))).map((b) => b.toString('utf8'));
}

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('a live hijack', () => {
  it("is refused for another operator, and a forged event under the owner's own login stops the victim's mirror loudly", async () => {
    const home = freshHome();
    const gate = join(home.root, 'go');
    const file = join(home.root, 'hijack.md');
    writeFileSync(file, `# H\n## Steps\n\n\`\`\`sh\necho one\n\`\`\`\n\n\`\`\`sh\nwhile [ ! -e ${gate} ]; do sleep 0.05; done\n\`\`\`\n\n\`\`\`sh\necho three\n\`\`\`\n`);
    const child = spawn(process.execPath, [BIN, 'exec', file, '--section', 'steps'], {
      cwd: home.root,
      env: { ...home.env, RUNBOOK_STORE_URL: urlOf('op_a'), DATABASE_URL: cluster.url },
    });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const id = await until(() => /· session (\S+)/.exec(stdout)?.[1], 'the session id');
      const dir = join(home.state, 'runbook', 'sessions', id);
      // Wait until the store holds everything recorded so far (the run is waiting on the gate), then forge
      // the next event; if the run recorded one more in between, the store says so and we aim again.
      const caughtUp = () =>
        until(async () => {
          if (!stdout.includes('while [')) return undefined;
          const lines = localLines(dir);
          const rows = await query<{ n: number }>(cluster.url, 'select count(*)::int as n from runbook_events where session_id = $1', [id]);
          return rows[0]!.n === lines.length ? lines : undefined;
        }, `the store to catch up (${stdout})`);
      let held: string[] = [];
      let forged = '';
      for (let attempt = 0; ; attempt++) {
        held = await caughtUp();
        forged = JSON.stringify({ seq: held.length, ts: new Date().toISOString(), type: 'note', prev: sha256Hex(held[held.length - 1]!), text: 'all clear, stand down' });
        await expect(query(urlOf('op_b'), 'insert into runbook_events (session_id, line) values ($1, $2)', [id, forged])).rejects.toThrow(/belongs to op_a; op_b may not append|already holds an event/);
        try {
          // Someone with op_a's credentials (a shared login) gets in first at the next seq.
          await query(urlOf('op_a'), 'insert into runbook_events (session_id, line) values ($1, $2)', [id, forged]);
          break;
        } catch (error) {
          if (attempt >= 5 || !/already holds an event/.test((error as Error).message)) throw error;
        }
      }
      writeFileSync(gate, '');
      const code = await exited;
      expect(stdout).toMatch(/^three$/m);
      expect(stdout).toMatch(new RegExp(`Mirroring to the team store stopped: the team store holds a different event #${held.length} of session ${id}`));
      expect(stdout).not.toMatch(/Mirrored to the team store/);
      expect(code).toBe(1);
      // Nothing was dropped silently: the store keeps the forged line, the local log its own record.
      const stored = await query<{ line: string }>(cluster.url, 'select line from runbook_events where session_id = $1 and seq = $2', [id, held.length]);
      expect(stored[0]!.line).toBe(forged);
      expect(runCli(['verify', id], { env: home.env }).code).toBe(0);
      const compared = runCli(['verify', id, '--store', cluster.url, '--json'], { env: home.env });
      expect(compared.code).toBe(1);
      expect(JSON.parse(compared.stdout).differences).toContain(`event ${held.length} differs between the store and the local log`);
      // An explicit sync says the same, and exits 1.
      const sync = runCli(['sync', id], { env: { ...home.env, RUNBOOK_STORE_URL: urlOf('op_a') } });
      expect(sync.code).toBe(1);
      expect(sync.stdout).toMatch(new RegExp(`CONFLICT  ${id}: the team store holds`));
    } finally {
      if (!existsSync(gate)) writeFileSync(gate, '');
      child.kill();
    }
  }, 60_000);

  it("is shown in the navigator's status bar as it happens", async () => {
    const home = freshHome();
    const env = resolveEnvironment({ cwd: home.root, processEnv: { PATH: process.env.PATH, DATABASE_URL: cluster.url, RUNBOOK_STORE_URL: urlOf('op_a') } });
    const tui = await renderTui({ purpose: { kind: 'incident', id: 'INC-4711' }, env });
    try {
      await tui.press('/', 'r', 'l', 's');
      await tui.waitFor(/❯ +RLS Misconfiguration/);
      // Enter keeps the filter, Enter again opens the section.
      await tui.press(KEY.enter, KEY.enter);
      await tui.waitFor('1. Symptom');
      // A note starts the session (on the section or on its first step, wherever Enter landed).
      const note = async (text: string) => {
        await tui.press('n');
        await tui.waitFor('Note:');
        await tui.press(...text.split(''), KEY.enter);
        await tui.waitFor('Note recorded');
      };
      await note('first');
      const id = tui.store.getState().session!.id;
      // Live once the store holds what was recorded.
      await tui.waitFor('mirror live');
      const lines = localLines(tui.store.getState().session!.dir);
      const forged = JSON.stringify({ seq: lines.length, ts: new Date().toISOString(), type: 'note', prev: sha256Hex(lines[lines.length - 1]!), text: 'all clear' });
      await query(urlOf('op_a'), 'insert into runbook_events (session_id, line) values ($1, $2)', [id, forged]);
      await note('second');
      const frame = await tui.waitFor('mirror CONFLICT');
      // On the status bar's one line, beside the session it is about.
      expect(frame.split('\n')[0]).toMatch(new RegExp(`· session ${id.slice(0, 15)} .* · mirror CONFLICT$`));
    } finally {
      tui.store.getState().session?.close();
      tui.unmount();
    }
  });

  it('is shown in the status bar when a session id is taken in the store by another operator', async () => {
    const home = freshHome();
    const session = startTestSession(home.env);
    session.note({ runbook: 'r.md', section: 's', step: 's/1' }, 'first look');
    // op_b took the id first with a started event of their own.
    const squat = JSON.stringify({ seq: 0, ts: '2026-11-24T03:00:00.000Z', type: 'started', prev: '0'.repeat(64), operator: 'mallory' });
    await query(urlOf('op_b'), 'insert into runbook_events (session_id, line) values ($1, $2)', [session.id, squat]);
    const mirror = new Mirror({ connectionString: urlOf('op_a') }, session.id, session.dir, home.env);
    const seen: MirrorStatus[] = [];
    mirror.onChange((status) => seen.push(status));
    session.subscribe((event) => mirror.push(event));
    mirror.push();
    const status = await mirror.close(10_000);
    session.close();
    expect(status).toMatchObject({ health: 'conflict', error: expect.stringMatching(/holds a different event #0 .*belongs to op_b/) });
    expect(seen[seen.length - 1]!.health).toBe('conflict');
    const bar = render(<StatusBar title="Ops" env="prod" protectedEnv={false} sessionId={session.id} sealed={false} width={140} mirror={{ health: status.health, behind: status.behind }} />);
    expect(bar.lastFrame()).toMatch(/mirror CONFLICT/);
    bar.unmount();
  });
});

describe('a recreated store', () => {
  it('is refilled by runbook sync, and by the next exec, although the progress files say everything was sent', async () => {
    await query(cluster.url, 'create database refill');
    const url = urlOf('postgres', 'refill');
    await migrate({ connectionString: url });
    const home = freshHome();
    const env = { ...home.env, RUNBOOK_STORE_URL: url, DATABASE_URL: cluster.url };
    const file = join(home.root, 'r.md');
    writeFileSync(file, '# R\n## Steps\n\n```sh\necho one\n```\n');
    const first = runCli(['exec', file, '--section', 'steps'], { cwd: home.root, env });
    expect(first.stdout).toMatch(/Mirrored to the team store\./);
    const id = /Sealed session: (\S+)/.exec(first.stdout)![1]!.split('/').pop()!;
    const count = () => query<{ n: number }>(url, 'select count(*)::int as n from runbook_events where session_id = $1', [id]).then((r) => r[0]!.n);
    const recreate = async () => {
      expect(runCli(['db', 'rollback', '--force', '--confirm', 'refill'], { env: { ...env, DATABASE_URL: url } }).code).toBe(0);
      expect(runCli(['db', 'rollback', '--force', '--confirm', 'refill'], { env: { ...env, DATABASE_URL: url } }).code).toBe(0);
      expect(runCli(['db', 'rollback', '--force', '--confirm', 'refill'], { env: { ...env, DATABASE_URL: url } }).code).toBe(0);
      expect(runCli(['db', 'migrate'], { env: { ...env, DATABASE_URL: url } }).code).toBe(0);
    };
    await recreate();
    expect(await count()).toBe(0);
    const sync = runCli(['sync'], { env });
    expect(sync).toMatchObject({ code: 0, stdout: expect.stringMatching(new RegExp(`^sent      ${id}$`, 'm')) });
    expect(await count()).toBe(localLines(join(home.state, 'runbook', 'sessions', id)).length);
    const verified = runCli(['verify', id, '--store', url, '--json'], { env: home.env });
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, differences: [] });
    expect(runCli(['sync', id], { env }).stdout).toMatch(/is up to date in/);
    expect(runCli(['sync'], { env }).stdout).toMatch(/Every local session is already in/);
    // Again, and this time the next exec notices.
    await recreate();
    const second = runCli(['exec', file, '--section', 'steps'], { cwd: home.root, env });
    expect(second.stdout).toMatch(/Mirrored to the team store, with 1 earlier session from the backlog\./);
    expect(await count()).toBe(localLines(join(home.state, 'runbook', 'sessions', id)).length);
  }, 90_000);
});

describe('a store recorded before ownership was kept', () => {
  it('keeps its sessions through migration 2, with no owner: nobody appends to them, new sessions belong to their role', async () => {
    await query(cluster.url, 'create database upgrade');
    const url = urlOf('postgres', 'upgrade');
    await migrate({ connectionString: url });
    await rollback({ connectionString: url });
    await rollback({ connectionString: url });
    // An old client mirrors a session into schema 1 (all columns sent, as before).
    const line = JSON.stringify({ seq: 0, ts: '2026-11-20T09:00:00.000Z', type: 'started', prev: '0'.repeat(64), operator: 'dana', env: 'prod' });
    await query(url, 'insert into runbook_events (session_id, seq, ts, type, prev, hash, line, body) values ($1, 0, $2, $3, $4, $5, $6, $7::jsonb)', ['old-session', '2026-11-20T09:00:00.000Z', 'started', '0'.repeat(64), sha256Hex(line), line, line]);
    expect(runCli(['db', 'migrate'], { env: { DATABASE_URL: url } })).toMatchObject({ code: 0, stdout: expect.stringMatching(/Applied migrations 2, 3/) });
    expect(await query(url, "select id, owner_role, operator, events from runbook_sessions where id = 'old-session'")).toEqual([{ id: 'old-session', owner_role: null, operator: 'dana', events: 1 }]);
    const next = JSON.stringify({ seq: 1, ts: '2026-11-20T09:01:00.000Z', type: 'note', prev: sha256Hex(line), text: 'late' });
    await expect(query(urlOf('op_a', 'upgrade'), 'insert into runbook_events (session_id, line) values ($1, $2)', ['old-session', next])).rejects.toThrow(/belongs to no one/);
    await expect(query(url, 'insert into runbook_events (session_id, line) values ($1, $2)', ['old-session', next])).rejects.toThrow(/belongs to no one/);
    // The same first event cannot start another session; a new one can.
    await expect(query(urlOf('op_a', 'upgrade'), 'insert into runbook_events (session_id, line) values ($1, $2)', ['new-session', line])).rejects.toThrow(/already recorded as session old-session/);
    await query(urlOf('op_a', 'upgrade'), 'insert into runbook_events (session_id, line) values ($1, $2)', ['new-session', line.replace('"dana"', '"alex"')]);
    expect(await query(url, "select owner_role from runbook_sessions where id = 'new-session'")).toEqual([{ owner_role: 'op_a' }]);
  });
});

describe('a store still on schema 1', () => {
  it('gets nothing from this version: events wait locally and exec says to migrate', async () => {
    await query(cluster.url, 'create database old_schema');
    const url = urlOf('postgres', 'old_schema');
    await migrate({ connectionString: url });
    await rollback({ connectionString: url });
    await rollback({ connectionString: url });
    const home = freshHome();
    const file = join(home.root, 'r.md');
    writeFileSync(file, '# R\n## Steps\n\n```sh\necho one\n```\n');
    const out = runCli(['exec', file, '--section', 'steps'], { cwd: home.root, env: { ...home.env, RUNBOOK_STORE_URL: url, DATABASE_URL: cluster.url } });
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/The team store is offline \(the team store has no ownership schema yet: run runbook db migrate \(schema 2\) on it\): \d+ events wait locally/);
    expect(await query(url, 'select count(*)::int as n from runbook_events')).toEqual([{ n: 0 }]);
  });
});

describe('runbook sync', () => {
  it('needs a store, names a session it does not know, and says why it could not send', () => {
    const home = freshHome();
    const noStore = runCli(['sync'], { env: { ...home.env, RUNBOOK_STORE_URL: '' } });
    expect(noStore).toMatchObject({ code: 2, stderr: expect.stringMatching(/^runbook: No team store: set RUNBOOK_STORE_URL/) });
    const env = { ...home.env, RUNBOOK_STORE_URL: 'postgresql://op:pw@127.0.0.1:1/ops' };
    expect(runCli(['sync'], { env })).toMatchObject({ code: 0, stdout: 'There are no local sessions to send.\n' });
    expect(runCli(['sync', 'nope'], { env })).toMatchObject({ code: 2, stderr: expect.stringMatching(/No session "nope"/) });
    const session = startTestSession(home.env);
    session.close();
    const down = runCli(['sync'], { env });
    expect(down.code).toBe(1);
    expect(down.stdout).toMatch(new RegExp(`^waiting   ${session.id} \\(the store: .*ECONNREFUSED.*; run runbook sync again\\)$`, 'm'));
    expect(down.stderr).toMatch(/1 session is not mirrored to 127\.0\.0\.1:1\/ops\./);
  });
});

describe('rolling back a store that holds sessions', () => {
  it('refuses without --force and the database name, says how to dump first, and proceeds only with the typed decision', async () => {
    await query(cluster.url, 'create database held');
    const url = urlOf('postgres', 'held');
    await migrate({ connectionString: url });
    const home = freshHome();
    const session = startTestSession(home.env);
    session.close();
    const mirror = new Mirror({ connectionString: url }, session.id, session.dir, home.env);
    expect((await mirror.close(10_000)).health).toBe('live');
    const dbEnv = { ...home.env, DATABASE_URL: url };
    const sessions = () => query<{ n: number }>(url, 'select count(*)::int as n from runbook_sessions').then((r) => r[0]!.n);

    const plain = runCli(['db', 'rollback'], { env: dbEnv });
    expect(plain.code).toBe(2);
    expect(plain.stderr).toMatch(/holds 1 recorded session; rolling back drops recorded data\. Dump it first \(pg_dump --data-only --table=runbook_sessions --table=runbook_events/);
    expect(plain.stderr).toMatch(/--confirm held/);
    const noName = runCli(['db', 'rollback', '--force'], { env: dbEnv });
    expect(noName).toMatchObject({ code: 2, stderr: expect.stringMatching(/needs the database's name, held: pass --confirm held\./) });
    const wrongName = runCli(['db', 'rollback', '--force', '--confirm', 'runbook_test'], { env: dbEnv });
    expect(wrongName).toMatchObject({ code: 2, stderr: expect.stringMatching(/--confirm runbook_test does not name it/) });
    expect(runCli(['db', 'status'], { env: dbEnv }).stdout).toMatch(/version 3 of 3/);
    expect(await sessions()).toBe(1);

    // Migration 3's undo drops no recorded row here (this session has no evidence excerpts).
    expect(await rollback({ connectionString: url })).toBe(3);
    // The undo scripts themselves keep the data unless told otherwise (postgrator run without the tool's decision).
    await expect(rollback({ connectionString: url })).rejects.toThrow(/holds 1 recorded session\(s\).*Dump it first: pg_dump/);
    expect(await sessions()).toBe(1);

    // At a terminal: the name typed wrong, then right.
    const typed = (answer: string): DecisionInput & { asked: string[] } => {
      const asked: string[] = [];
      return { isTTY: true, asked, ask: async (q) => (asked.push(q), answer) };
    };
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = url;
    const write = process.stdout.write.bind(process.stdout);
    const out: string[] = [];
    process.stdout.write = ((chunk: string) => (out.push(String(chunk)), true)) as typeof process.stdout.write;
    try {
      const wrong = typed('hled');
      await expect(dbCommand('rollback', { force: true }, wrong)).rejects.toThrow(/"hled" is not held, nothing was done/);
      expect(wrong.asked[0]).toMatch(/holds 1 recorded session; rolling back drops recorded data \(dump it first: pg_dump .*\)\. Type held to go on: $/);
      expect(await sessions()).toBe(1);
      await expect(dbCommand('rollback', {}, typed('held'))).rejects.toThrow(/--force/);
      expect(await dbCommand('rollback', { force: true }, typed('held'))).toBe(0);
    } finally {
      process.stdout.write = write;
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
    }
    expect(out.join('')).toMatch(/Rolled back migration 2/);
    // Migration 2's undo keeps the recorded rows; only migration 1's drops them, again only when asked.
    expect(await sessions()).toBe(1);
    expect(runCli(['db', 'rollback', '--force', '--confirm', 'held'], { env: dbEnv })).toMatchObject({ code: 0, stdout: expect.stringMatching(/Rolled back migration 1/) });
    expect(await query(url, "select to_regclass('runbook_sessions') as t")).toEqual([{ t: null }]);
  }, 60_000);

  it('follows the protected-environment rules: migrate and rollback --env need the name, status does not', async () => {
    await query(cluster.url, 'create database guarded');
    const home = freshHome();
    const project = join(home.root, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'runbook.config.json'), JSON.stringify({ environments: { prod: { databaseUrl: '$PROD_URL', protected: true } } }));
    const env = { ...home.env, PROD_URL: urlOf('postgres', 'guarded') };
    const refused = runCli(['db', 'migrate', '--env', 'prod'], { cwd: project, env });
    expect(refused).toMatchObject({ code: 2, stderr: expect.stringMatching(/prod is a protected environment; migrate runs there only when it is named: pass --confirm prod\./) });
    expect(runCli(['db', 'status', '--env', 'prod'], { cwd: project, env })).toMatchObject({ code: 1, stdout: expect.stringMatching(/version 0 of 3/) });
    expect(runCli(['db', 'migrate', '--env', 'prod', '--confirm', 'staging'], { cwd: project, env }).code).toBe(2);
    expect(runCli(['db', 'migrate', '--env', 'prod', '--confirm', 'prod'], { cwd: project, env })).toMatchObject({ code: 0, stdout: expect.stringMatching(/Applied migrations 1, 2, 3 to prod/) });
    expect(runCli(['db', 'rollback', '--env', 'prod'], { cwd: project, env }).code).toBe(2);
    expect(runCli(['db', 'rollback', '--env', 'prod', '--confirm', 'prod'], { cwd: project, env })).toMatchObject({ code: 0, stdout: expect.stringMatching(/Rolled back migration 3 on prod/) });
  });
});
