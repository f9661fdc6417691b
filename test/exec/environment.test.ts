import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveEnvironment } from '../../src/exec/environment.js';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-project-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('environments', () => {
  it('is the sandbox when nothing names a database', () => {
    const dir = project({});
    expect(resolveEnvironment({ cwd: dir, processEnv: {} })).toMatchObject({ name: 'sandbox', sandbox: 'default', protected: false });
    expect(resolveEnvironment({ cwd: dir, processEnv: { RUNBOOK_SANDBOX: 'clarivum-restore-test' } }).sandbox).toBe('clarivum-restore-test');
    expect(resolveEnvironment({ cwd: dir, processEnv: {} }).database).toBeUndefined();
  });

  it('is local with DATABASE_URL or PG* from the process and .env when there is no config', () => {
    const dir = project({ '.env': 'SUPABASE_URL=http://localhost:54321\nSUPABASE_SERVICE_ROLE_KEY=service-key-from-dotenv\n' });
    const env = resolveEnvironment({ cwd: dir, processEnv: { PGHOST: 'db', PGUSER: 'ops', PGPASSWORD: 'pg-pass-1', PGDATABASE: 'app' } });
    expect(env).toMatchObject({ name: 'local', protected: false, database: { host: 'db', user: 'ops', password: 'pg-pass-1', database: 'app' } });
    expect(env.supabase).toEqual({ url: 'http://localhost:54321', serviceRoleKey: 'service-key-from-dotenv' });
    expect(env.secrets.sort()).toEqual(['pg-pass-1', 'service-key-from-dotenv']);
  });

  it('reads named environments from runbook.config.json, with .env.<name> files, found from a subfolder', () => {
    const dir = project({
      'runbook.config.json': JSON.stringify({
        environments: {
          dev: { databaseUrl: '${DEV_DATABASE_URL}' },
          prod: { databaseUrl: '$PROD_DATABASE_URL', protected: true, vars: { REGION: 'eu-$ZONE' } },
        },
      }),
      '.env': 'ZONE=west\n',
      '.env.prod': 'PROD_DATABASE_URL=postgres://ops:prod-secret-pw@prod-db:5432/app\n',
    });
    mkdirSync(join(dir, 'ops'));
    const prod = resolveEnvironment({ name: 'prod', cwd: join(dir, 'ops'), processEnv: {} });
    expect(prod).toMatchObject({ name: 'prod', protected: true, database: { connectionString: 'postgres://ops:prod-secret-pw@prod-db:5432/app' } });
    expect(prod.vars).toMatchObject({ REGION: 'eu-west', DATABASE_URL: 'postgres://ops:prod-secret-pw@prod-db:5432/app', RUNBOOK_ENV: 'prod' });
    expect(prod.secrets).toEqual(['prod-secret-pw']);
    expect(prod.configPath).toBe(join(dir, 'runbook.config.json'));
    expect(() => resolveEnvironment({ name: 'staging', cwd: dir, processEnv: {} })).toThrow('No environment "staging" (known: dev, prod, sandbox).');
  });

  it('resolves the signing key named in the config', () => {
    const dir = project({ 'runbook.config.json': JSON.stringify({ signingKey: '~/.ssh/id_ed25519', environments: { dev: {} } }) });
    expect(resolveEnvironment({ cwd: dir, processEnv: { HOME: '/home/ops' } }).signingKey).toBe('/home/ops/.ssh/id_ed25519');
  });

  it('lets the real process environment win over env files', () => {
    const dir = project({ '.env': 'DATABASE_URL=postgres://from-file/db\n' });
    expect(resolveEnvironment({ cwd: dir, processEnv: { DATABASE_URL: 'postgres://from-process/db' } }).database).toEqual({ connectionString: 'postgres://from-process/db' });
  });

  it('says which file is broken', () => {
    const dir = project({ 'runbook.config.json': '{ nope' });
    expect(() => resolveEnvironment({ cwd: dir, processEnv: {} })).toThrow(/runbook.config.json is not valid JSON/);
  });
});
