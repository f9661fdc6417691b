import { describe, expect, it } from 'vitest';
import { shellRisk, sqlRisk } from '../../src/exec/guards.js';
import { splitStatements } from '../../src/exec/sqlText.js';

describe('SQL guards', () => {
  const cases: Array<[string, boolean, boolean]> = [
    ["select * from pg_policies where tablename = 'ebooks'", false, false],
    ["select * from audit where action = 'DELETE' -- drop table x", false, false],
    ['select $$ drop table x $$ as body', false, false],
    ['select last_update, "delete" from t', false, false],
    ["update users set role = 'admin' where id = 1", true, false],
    ["UPDATE users SET role = 'admin'", true, true],
    ['delete from sessions', true, true],
    ['delete from sessions where expires_at < now()', true, false],
    ['with gone as (delete from jobs where id = 1 returning *) select * from gone', true, false],
    ['drop table ebooks', true, true],
    ['truncate staging', true, true],
    ['grant select on ebooks to anon', true, false],
    ['create index on t (x)', true, false],
    ['select * into backup_t from t', true, false],
    ['copy t to stdout', false, false],
    ['copy t from stdin', true, false],
    ['explain select 1', false, false],
  ];
  it.each(cases)('%s → writes %s, destructive %s', (sql, writes, destructive) => {
    expect(sqlRisk(sql)).toMatchObject({ writes, destructive });
  });

  it('splits statements outside strings, comments and dollar quotes', () => {
    expect(splitStatements("select ';'; -- a;b\nselect $x$;$x$; select 'it''s'").map((s) => s.text)).toEqual(["select ';'", "-- a;b\nselect $x$;$x$", "select 'it''s'"]);
  });
});

describe('shell guards', () => {
  const cases: Array<[string, boolean, boolean]> = [
    ['kubectl get pods -n prod', false, false],
    ['supabase db dump --project-ref abc', false, false],
    ['npm run db:migration:status', false, false],
    ['npm run db:migrate -- --env prod', true, false],
    ['rm -rf /var/lib/postgresql/data/*', true, true],
    ['rm -r old-backups', true, true],
    ['kubectl -n prod delete pod api-1', true, true],
    ['kubectl rollout restart deploy/api', true, false],
    ['terraform destroy -auto-approve', true, true],
    ['redis-cli -h cache FLUSHALL', true, true],
    ['psql "$DATABASE_URL" -c "drop table ebooks"', true, true],
    ["psql -c 'select count(*) from ebooks'", false, false],
    ['git push --force origin main', true, true],
    ['curl -X DELETE https://api.example.com/x', true, false],
  ];
  it.each(cases)('%s → writes %s, destructive %s', (code, writes, destructive) => {
    expect(shellRisk(code)).toMatchObject({ writes, destructive });
  });
});
