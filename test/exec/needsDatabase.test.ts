// Which actions start the sandbox: every one that may talk to a database, and nothing else.
import { describe, expect, it } from 'vitest';
import { needsDatabase } from '../../src/exec/needsDatabase.js';
import type { Action } from '../../src/runbook/model.js';

const shell = (code: string, env?: string[]): Action => ({ kind: 'shell', code, line: 1, placeholders: [], ...(env ? { env } : {}) });

describe('needsDatabase', () => {
  it('is true for SQL and Supabase actions, false for URLs and query languages', () => {
    expect(needsDatabase({ kind: 'sql', code: 'select 1', line: 1, placeholders: [] })).toBe(true);
    expect(needsDatabase({ kind: 'supabase', code: 'storage buckets', line: 1, placeholders: [] })).toBe(true);
    expect(needsDatabase({ kind: 'url', code: 'https://status.example.com', line: 1, placeholders: [] })).toBe(false);
    expect(needsDatabase({ kind: 'promql', code: 'up{job="pg"}', line: 1, placeholders: [] })).toBe(false);
  });

  it('is true for a shell action that reads DATABASE_URL or a PG* variable', () => {
    expect(needsDatabase(shell('echo "$DATABASE_URL"', ['DATABASE_URL']))).toBe(true);
    expect(needsDatabase(shell('echo ${PGHOST}:${PGPORT}', ['PGHOST', 'PGPORT']))).toBe(true);
    // Named without a $: printenv, a Python one-liner, indirect expansion.
    expect(needsDatabase(shell('printenv PGUSER'))).toBe(true);
    expect(needsDatabase(shell(`python3 -c 'import os; print(os.environ["DATABASE_URL"])'`))).toBe(true);
    expect(needsDatabase(shell('name=PGPASSWORD; echo "${!name}"'))).toBe(true);
  });

  it('is true for every libpq tool, however it is called', () => {
    for (const code of [
      'psql -c "select 1"',
      '/usr/lib/postgresql/17/bin/pg_dump -Fc app > app.dump',
      'pg_restore -d app app.dump',
      'pgbench -i',
      'createdb scratch && dropdb scratch',
      'vacuumdb --all --analyze',
      'until pg_isready; do sleep 1; done',
      'cat dump.sql | psql',
      'sudo -u postgres psql',
      'env FOO=1 pg_dumpall > all.sql',
      'supabase db dump -f schema.sql',
      'supabase --workdir . db push',
      'supabase migration list',
      'x=$(psql -Atc "select 1")',
    ]) expect(needsDatabase(shell(code)), code).toBe(true);
  });

  it('is false for shell actions that touch no database', () => {
    for (const code of ['echo hello', 'ls -la /var/log', 'curl -fsS https://status.example.com', 'kubectl get pods', 'cat psql-notes.txt.bak | wc -l', 'grep -r mypsqlhelper .', 'supabase functions list', 'echo $HOME $PATH'])
      expect(needsDatabase(shell(code, code.includes('$') ? ['HOME', 'PATH'] : undefined)), code).toBe(false);
  });
});
