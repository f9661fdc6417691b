// The sandbox: the bundled runbook works end to end with no database configured.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runningServer, sandboxDir, startSandbox } from '../../src/sandbox/sandbox.js';
import { query } from '../helpers/postgres.js';
import { BIN, ROOT, runCli, SEED } from '../helpers/cli.js';
import { freshHome } from '../helpers/session.js';

let home: ReturnType<typeof freshHome>;
// No DATABASE_URL, no PG*: the machine of a new user.
const cleanEnv = () => {
  const env: Record<string, string | undefined> = { ...home.env };
  for (const key of ['DATABASE_URL', 'PGHOST', 'PGPORT', 'PGUSER', 'PGDATABASE', 'PGPASSWORD']) env[key] = undefined;
  return env as NodeJS.ProcessEnv;
};
const run = (args: string[], extra: Record<string, string> = {}) => runCli(args, { cwd: home.root, env: { ...cleanEnv(), ...extra } });

beforeAll(() => {
  home = freshHome();
});

describe('the sandbox environment', () => {
  it('runs the bundled RLS Misconfiguration section with no database configured, and the session verifies', () => {
    const out = run(['exec', SEED, '--section', 'RLS Misconfiguration', '--set', 'tablename=profiles', '--set', 'customer_email=ravi@example.com', '--set', 'other_customer_email=mei@example.com']);
    expect(out.code, out.stdout + out.stderr).toBe(0);
    expect(out.stdout).toMatch(/env sandbox SANDBOX/);
    // Who can see what: both customers read all 3 ebooks (3 shared), each only their own profile.
    expect(out.stdout).toMatch(/table +│ total │ anon │ ravi@example\.com │ mei@example\.com │ shared │ insert │ update │ delete/);
    expect(out.stdout).toMatch(/ebooks +│ 3 +│ 0 +│ 3 +│ 3 +│ 3 +│ none/);
    expect(out.stdout).toMatch(/profiles +│ 3 +│ 0 +│ 1 +│ 1 +│ 0 +│ none/);
    expect(out.stdout).toMatch(/public +│ profiles +│ profiles_self/);
    expect(out.stdout).toMatch(/public +│ profiles +│ profiles_admin/);
    const id = /Verify: (?:npx )?runbook verify (\S+)/.exec(out.stdout)![1]!;
    expect(JSON.parse(run(['verify', id, '--json']).stdout)).toMatchObject({ ok: true, sealed: true });
  });

  it('finds exactly the one exposed table in an RLS audit, and has pg_stat_statements', () => {
    const file = join(home.root, 'audit.md');
    writeFileSync(file, "# Audit\n## Audit\n```sql\nselect c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind = 'r' and not c.relrowsecurity order by 1\n```\n```sql\nselect count(*) > 0 as has_history from pg_stat_statements\n```\n");
    const out = run(['exec', file, '--section', 'audit']);
    expect(out.code, out.stdout + out.stderr).toBe(0);
    expect(out.stdout).toMatch(/relname\n\s+─+\n\s+mission_progress\n\s+1 row/);
    expect(out.stdout).toMatch(/has_history\n\s+─+\n\s+t\n/);
  });

  it('serves psql in a shell step, and `runbook db status --env sandbox` run from a step joins the same server', () => {
    const file = join(home.root, 'shell.md');
    writeFileSync(file, `# Shell\n## Shell\n\`\`\`sh\npsql "$DATABASE_URL" -Atc "select count(*) from profiles"\nnode ${BIN} db status --env sandbox; echo "db status exit $?"\n\`\`\`\n`);
    const out = run(['exec', file, '--section', 'shell']);
    expect(out.code, out.stdout + out.stderr).toBe(0);
    expect(out.stdout).toMatch(/^3$/m);
    expect(out.stdout).toMatch(/Store schema on sandbox \(127\.0\.0\.1:\d+\/postgres\): version 0 of 3/);
    // Pending migrations are a failed check (exit 1), which the step reports rather than fails on.
    expect(out.stdout).toMatch(/^db status exit 1$/m);
  });

  it('reports migration status for real with npm run db:migration:status -- --env sandbox', () => {
    const out = runCli(['db', 'status', '--env', 'sandbox'], { cwd: ROOT, env: cleanEnv() });
    expect(out.code, out.stderr).toBe(1);
    expect(out.stdout).toMatch(/version 0 of 3[\s\S]*pending +001 store[\s\S]*pending +002 ownership[\s\S]*pending +003 excerpts[\s\S]*3 pending migrations/);
  });

  it('dumps, restores under a new name, and the restored copy answers the same smoke queries', () => {
    const dump = join(home.root, 'sandbox.tar.gz');
    expect(run(['sandbox', 'dump', dump]).stdout).toMatch(/Dumped the sandbox default to .*sandbox\.tar\.gz/);
    expect(run(['sandbox', 'restore', dump, '--name', 'clarivum-restore-test']).code).toBe(0);
    expect(run(['sandbox', 'restore', dump, '--name', 'clarivum-restore-test'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/exists already/) });
    const file = join(home.root, 'smoke.md');
    writeFileSync(file, '# Smoke\n## Smoke\n```sql\nselect (select count(*) from profiles) as profiles, (select count(*) from ebooks) as ebooks\n```\n');
    const original = run(['exec', file, '--section', 'smoke']);
    const restored = run(['exec', file, '--section', 'smoke'], { RUNBOOK_SANDBOX: 'clarivum-restore-test' });
    const table = (text: string) => /profiles │ ebooks[\s\S]*?\n\s+(\d+ +│ \d+)/.exec(text)?.[1];
    expect(table(original.stdout)).toBe('3        │ 3');
    expect(table(restored.stdout)).toBe(table(original.stdout));
    expect(run(['sandbox', 'list']).stdout).toMatch(/clarivum-restore-test[\s\S]*default|default[\s\S]*clarivum-restore-test/);
  });

  it('runs two sandboxes at once on different ports, listening on 127.0.0.1 only', async () => {
    const env = cleanEnv();
    const [a, b] = await Promise.all([startSandbox('first', { env }), startSandbox('second', { env })]);
    try {
      expect(a.port).not.toBe(b.port);
      for (const s of [a, b]) {
        expect(await query<{ n: string }>(s.url, 'select count(*)::text as n from profiles')).toEqual([{ n: '3' }]);
        const listening = readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1).map((l) => l.trim().split(/\s+/)).filter((f) => f[3] === '0A' && parseInt(f[1]!.split(':')[1]!, 16) === s.port);
        expect(listening.map((f) => f[1]!.split(':')[0])).toEqual(['0100007F']);
      }
      expect(runningServer(sandboxDir('first', env))?.port).toBe(a.port);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    expect(runningServer(sandboxDir('first', env))).toBeUndefined();
  }, 60_000);
});

describe('the sandbox template', () => {
  it('is built once, reused, and a copy of it is a working sandbox with the demo data', async () => {
    const { buildTemplate, createFromTemplate } = await import('../../src/sandbox/template.js');
    const root = join(home.root, 'template-cache');
    const messages: string[] = [];
    const first = await buildTemplate(root, (m) => messages.push(m));
    const second = await buildTemplate(root, (m) => messages.push(m));
    expect(second).toBe(first);
    expect(messages).toHaveLength(1);
    const env = { ...cleanEnv(), XDG_CACHE_HOME: join(home.root, 'unused-cache') };
    await createFromTemplate(sandboxDir('from-template', env), env);
    const sandbox = await startSandbox('from-template', { env });
    try {
      expect((await query(sandbox.url, 'select count(*)::int as n from ebooks'))[0]).toEqual({ n: 3 });
    } finally {
      await sandbox.stop();
    }
  });
});
