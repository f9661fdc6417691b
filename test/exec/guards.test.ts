import { describe, expect, it } from 'vitest';
import { judgeAction } from '../../src/exec/guard/judge.js';
import type { Environment } from '../../src/exec/environment.js';
import { makeAction } from '../../src/runbook/parse.js';
import { splitStatements } from '../../src/exec/sqlText.js';

const env = { name: 'local', protected: false, vars: {}, supabase: {}, secrets: [], cwd: process.cwd(), timeouts: { shellSeconds: 1, sqlSeconds: 1 } } as Environment;
const judge = (kind: 'sql' | 'shell', code: string) => judgeAction(makeAction(kind, code, 1), env, {});

describe('SQL guards', () => {
  const cases: Array<[string, 'read' | 'write', boolean]> = [
    ["select * from pg_policies where tablename = 'ebooks'", 'read', false],
    ["select * from audit where action = 'DELETE' -- drop table x", 'read', false],
    ['select $$ drop table x $$ as body', 'read', false],
    ['select last_update, "delete" from t', 'read', false],
    ["update users set role = 'admin' where id = 1", 'write', false],
    ["UPDATE users SET role = 'admin'", 'write', true],
    ['delete from sessions', 'write', true],
    ['delete from sessions where expires_at < now()', 'write', false],
    ['with gone as (delete from jobs where id = 1 returning *) select * from gone', 'write', false],
    ['drop table ebooks', 'write', true],
    ['truncate staging', 'write', true],
    ['grant select on ebooks to anon', 'write', false],
    ['create index on t (x)', 'write', false],
    ['select * into backup_t from t', 'write', false],
    ['copy t to stdout', 'read', false],
    ['copy t from stdin', 'write', false],
    ['explain select 1', 'read', false],
    ['show statement_timeout', 'read', false],
    ['set statement_timeout = 5000', 'read', false],
  ];
  it.each(cases)('%s → %s, destructive %s', async (sql, tier, destructive) => {
    expect(await judge('sql', sql)).toMatchObject({ tier, destructive });
  });

  it('splits statements outside strings, comments and dollar quotes', () => {
    expect(splitStatements("select ';'; -- a;b\nselect $x$;$x$; select 'it''s'").map((s) => s.text)).toEqual(["select ';'", "-- a;b\nselect $x$;$x$", "select 'it''s'"]);
  });

  it('keeps the statements as the parser split them, so an E-string cannot hide a second one', async () => {
    const verdict = await judge('sql', "select E'\\';delete from jobs;--'");
    expect(verdict).toMatchObject({ tier: 'read', statements: ["select E'\\';delete from jobs;--'"] });
  });
});

describe('shell guards', () => {
  const cases: Array<[string, 'read' | 'write' | 'unknown', boolean]> = [
    ['kubectl get pods -n prod', 'read', false],
    ['kubectl get pods finished-after-kill', 'read', false],
    ['supabase db dump --project-ref abc', 'read', false],
    ['npm run db:migration:status', 'read', false],
    ['npm run db:migrate -- --env prod', 'write', false],
    ['rm -rf /var/lib/postgresql/data/*', 'write', true],
    ['rm -r old-backups', 'write', true],
    ['kubectl -n prod delete pod api-1', 'write', true],
    ['kubectl rollout restart deploy/api', 'write', false],
    ['terraform destroy -auto-approve', 'write', true],
    ['redis-cli -h cache FLUSHALL', 'write', false],
    ['psql "$DATABASE_URL" -c "drop table ebooks"', 'write', true],
    ["psql -c 'select count(*) from ebooks'", 'read', false],
    ['git push --force origin main', 'write', false],
    ['curl -X DELETE https://api.example.com/x', 'write', false],
    ['./diagnose.sh --verbose', 'unknown', false],
    ['echo ok 2>&1 >/dev/null | grep ok', 'read', false],
    ['for f in a b; do echo "$f"; done', 'read', false],
    ['if true; then echo yes; fi', 'read', false],
  ];
  it.each(cases)('%s → %s, destructive %s', async (code, tier, destructive) => {
    expect(await judge('shell', code)).toMatchObject({ tier, destructive });
  });

  it('unparseable shell is never a read', async () => {
    expect((await judge('shell', 'echo "unclosed')).tier).not.toBe('read');
    expect((await judge('sql', 'selec 1')).tier).not.toBe('read');
  });
});

describe('questions about a writing verb', () => {
  // `kubectl auth can-i delete pods` asks whether a delete is allowed; `git help rebase` shows a page.
  it.each([
    'kubectl auth can-i delete pods -n prod',
    'kubectl auth can-i create deployments --as=system:serviceaccount:prod:ci',
    'oc auth can-i delete pvc',
    'git help rebase',
    'kubectl help delete',
    'kubectl explain deployment.spec.strategy',
  ])('%s is a read', async (code) => {
    expect((await judge('shell', code)).tier).toBe('read');
  });

  it.each([
    'kubectl auth can-i delete pods; kubectl delete pods --all',
    'kubectl auth can-i delete pods && kubectl -n prod delete pod api-1',
    'kubectl auth reconcile -f rbac.yaml',
    'aws logs delete-log-group --log-group-name x',
    'gcloud logging logs delete projects/x/logs/y',
    'kubectl delete help',
    'kubectl can-i-delete pods',
  ])('%s still writes', async (code) => {
    expect((await judge('shell', code)).tier).not.toBe('read');
  });
});

describe('the test builtin', () => {
  it('`[` is a read, a glob that names a program is not', async () => {
    expect((await judge('shell', 'while [ ! -e /tmp/gate ]; do sleep 0.05; done')).tier).toBe('read');
    expect((await judge('shell', '[ -f app.log ] && tail -n 20 app.log')).tier).toBe('read');
    expect((await judge('shell', '[[ -n "$X" ]] && echo set')).tier).toBe('read');
    expect((await judge('shell', '/bin/r[m] -rf /tmp/x')).tier).toBe('write');
    expect((await judge('shell', '[ -f x ] && rm -rf x')).tier).toBe('write');
  });
});
