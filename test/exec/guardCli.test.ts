// The guard as an operator meets it through `runbook exec`: --dry-run shows the filled code and the
// verdict; reads use readDatabaseUrl; PG* variables give shell actions a DATABASE_URL; unknown code
// needs permission only in a protected environment.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { SUPERUSER_PASSWORD } from '../helpers/postgres.js';
import { freshHome, freshProject } from '../helpers/session.js';

const databaseUrl = inject('databaseUrl');
const port = inject('databasePort');
const readerUrl = databaseUrl.replace(/\/\/postgres:[^@]+@/, '//app_reader:reader-pw@');
let home: ReturnType<typeof freshHome>;
let project: string;

beforeEach(() => {
  ({ home, project } = freshProject());
});

function runbook(text: string): string {
  const path = join(project, 'r.md');
  writeFileSync(path, text);
  return path;
}

function exec(args: string[], env: Record<string, string | undefined>) {
  return runCli(['exec', ...args], { cwd: project, env: { ...home.env, DATABASE_URL: undefined, PGHOST: undefined, PGDATABASE: undefined, ...env } as NodeJS.ProcessEnv });
}

describe('runbook exec and the guard', () => {
  it('--dry-run shows the code as it will run, the values beside it, and the verdict with its reasons', () => {
    const file = runbook("# P\n## Go\n- `select * from jobs where status = '...'; commit`\n- `echo <x> > out.txt`\n- `kubectl get pods -n prod`\n");
    const out = exec([file, '--section', 'go', '--dry-run', '--set', "status=it's", '--set', 'x=$(id)'], { DATABASE_URL: databaseUrl });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain("select * from jobs where status = 'it''s'; commit");
    expect(out.stdout).toMatch(/write: ends or changes the read-only transaction \(COMMIT\/END\) · needs permission/);
    expect(out.stdout).toContain('echo "${RUNBOOK_VALUE_x}" > out.txt');
    expect(out.stdout).toContain('with RUNBOOK_VALUE_x="$(id)"');
    expect(out.stdout).toMatch(/write: writes to the file out\.txt \(>\) · needs permission/);
    expect(out.stdout).toMatch(/kubectl get pods -n prod\n\s+read\n/);
  });

  it('reads go through readDatabaseUrl; writes with permission through databaseUrl', () => {
    writeFileSync(join(project, 'runbook.config.json'), JSON.stringify({ environments: { ops: { databaseUrl: '$MAIN_URL', readDatabaseUrl: '$READ_URL' } } }));
    const file = runbook('# R\n## Who\n```sql\nselect current_user as who\n```\n```sh\npsql "$DATABASE_URL" -XAtc "select \'shell:\' || current_user"\n```\n## Write\n```sql\ncreate temp table rb_probe (a int); select current_user as who\n```\n');
    const reads = exec([file, '--section', 'who'], { MAIN_URL: databaseUrl, READ_URL: readerUrl });
    expect(reads.code, reads.stdout + reads.stderr).toBe(0);
    expect(reads.stdout).toMatch(/\bapp_reader\b/);
    expect(reads.stdout).toMatch(/^shell:app_reader$/m);
    expect(reads.stdout).not.toContain('reader-pw');
    const writes = exec([file, '--section', 'write', '--allow-writes'], { MAIN_URL: databaseUrl, READ_URL: readerUrl });
    expect(writes.code, writes.stdout).toBe(0);
    expect(writes.stdout).toMatch(/\bpostgres\b/);
  });

  it('shell actions get DATABASE_URL when the database comes from PG* variables', () => {
    const file = runbook('# P\n## Go\n```sh\npsql "$DATABASE_URL" -XAtc "select 41 + 1"\n```\n');
    const out = exec([file, '--section', 'go'], { PGHOST: '127.0.0.1', PGPORT: String(port), PGUSER: 'postgres', PGPASSWORD: SUPERUSER_PASSWORD, PGDATABASE: 'runbook_test' });
    expect(out.code, out.stdout + out.stderr).toBe(0);
    expect(out.stdout).toMatch(/^42$/m);
  });

  it('a psql started by a shell action is read-only: a write fails in the database even when the guard is told it reads', () => {
    // `./writer.sh` is unknown, so it runs freely outside a protected environment; PGOPTIONS still holds.
    writeFileSync(join(project, 'writer.sh'), '#!/bin/sh\npsql "$DATABASE_URL" -XAtc "create table rb_should_not_exist (a int)"\n', { mode: 0o755 });
    const file = runbook('# P\n## Go\n```sh\n./writer.sh\n```\n');
    const out = exec([file, '--section', 'go'], { DATABASE_URL: databaseUrl });
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/read-only transaction/);
  });

  it('unknown code needs permission in a protected environment, and runs freely elsewhere', () => {
    writeFileSync(join(project, 'runbook.config.json'), JSON.stringify({ environments: { prod: { databaseUrl: '$MAIN_URL', protected: true }, dev: { databaseUrl: '$MAIN_URL' } } }));
    writeFileSync(join(project, 'diag.sh'), '#!/bin/sh\necho diagnosed\n', { mode: 0o755 });
    const file = runbook('# P\n## Go\n```sh\n./diag.sh\n```\n');
    const prod = exec([file, '--section', 'go', '--env', 'prod', '--confirm', 'prod'], { MAIN_URL: databaseUrl });
    expect(prod.code).toBe(1);
    expect(prod.stdout).toMatch(/refused: `\.\/diag\.sh` runs \.\/diag\.sh, which is not known to be read-only and prod is a protected environment: it needs explicit permission/);
    const allowed = exec([file, '--section', 'go', '--env', 'prod', '--confirm', 'prod', '--allow-writes'], { MAIN_URL: databaseUrl });
    expect(allowed.stdout).toMatch(/^diagnosed$/m);
    const dev = exec([file, '--section', 'go', '--env', 'dev'], { MAIN_URL: databaseUrl });
    expect(dev.code, dev.stdout).toBe(0);
    expect(dev.stdout).toMatch(/^diagnosed$/m);
  });
});
