// The environment's target in the session record: host, port, database and user, or the sandbox copy;
// never a password or a key, however the connection is written.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeTarget, environmentTarget } from '../../src/exec/target.js';
import { runCli } from '../helpers/cli.js';
import { freshHome } from '../helpers/session.js';

const target = (database: Parameters<typeof environmentTarget>[0]['database'], extra: Partial<Parameters<typeof environmentTarget>[0]> = {}) => environmentTarget({ database, supabase: {}, ...extra });

describe('environmentTarget', () => {
  it('takes a URL apart and keeps no password', () => {
    const t = target({ connectionString: 'postgres://ops%40team:s3cr%3At@db.example.com:6543/app?sslmode=require&password=also-secret' });
    expect(t).toEqual({ host: 'db.example.com', port: 6543, database: 'app', user: 'ops@team' });
    expect(JSON.stringify(t)).not.toMatch(/s3cr|also-secret/);
  });

  it('reads libpq keyword strings and PG* settings without their password', () => {
    const t = target({ connectionString: "host=db.internal port=5433 dbname=app user=ops password='p w'" });
    expect(t).toEqual({ host: 'db.internal', port: 5433, database: 'app', user: 'ops' });
    expect(target({ host: 'h', port: 5432, user: 'u', password: 'pw', database: 'd' })).toEqual({ host: 'h', port: 5432, database: 'd', user: 'u' });
    expect(target({ connectionString: 'postgres:///app?host=/var/run/postgresql' })).toEqual({ host: '/var/run/postgresql', database: 'app' });
  });

  it('names the sandbox copy, and a Supabase project by its origin only', () => {
    expect(target(undefined, { sandbox: 'clarivum-restore-test', supabase: { url: 'https://abc.supabase.co/rest/v1?apikey=secret', serviceRoleKey: 'k' } })).toEqual({ sandbox: 'clarivum-restore-test', supabaseUrl: 'https://abc.supabase.co' });
    expect(describeTarget({ sandbox: 'r' })).toBe("sandbox r (an embedded database on the operator's machine)");
    expect(describeTarget({})).toBe('');
  });
});

describe('runbook exec records the target', () => {
  it('in the started event, with no credential anywhere in the log', () => {
    const home = freshHome();
    const project = join(home.root, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'r.md'), '# R\n\n## Check\n\n```sh\necho ok\n```\n');
    const out = runCli(['exec', 'r.md', '--section', 'check'], { cwd: project, env: { ...home.env, DATABASE_URL: 'postgres://ops:hunter2-pw@db.example.com:6543/app' } });
    expect(out.code, out.stderr).toBe(0);
    const dir = /Sealed session: (\S+)/.exec(out.stdout)![1]!;
    const log = readFileSync(join(dir, 'session.jsonl'), 'utf8');
    expect(JSON.parse(log.split('\n')[0]!).target).toEqual({ host: 'db.example.com', port: 6543, database: 'app', user: 'ops' });
    expect(log).not.toContain('hunter2-pw');
    const report = runCli(['report', dir], { env: home.env, cwd: project });
    expect(report.stdout).toContain('| Target | db.example.com:6543, database app, user ops |');
  });
});
