// One environment list: what the `e` picker offers and what `--env` accepts.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listEnvironments, resolveEnvironment } from '../../src/exec/environment.js';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-envlist-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
const config = (environments: object) => ({ 'runbook.config.json': JSON.stringify({ environments }) });

describe('the environment list', () => {
  it('is local and the sandbox without a config', () => {
    expect(listEnvironments({ cwd: project({}), processEnv: {} })).toEqual(['local', 'sandbox']);
  });

  it('lists every configured environment, local only when something configures it, and the sandbox once', () => {
    const dir = project(config({ dev: {}, prod: { protected: true } }));
    expect(listEnvironments({ cwd: dir, processEnv: {} })).toEqual(['dev', 'prod', 'sandbox']);
    expect(listEnvironments({ cwd: dir, processEnv: { DATABASE_URL: 'postgres://x/y' } })).toEqual(['dev', 'prod', 'local', 'sandbox']);
    expect(listEnvironments({ cwd: dir, processEnv: { PGHOST: 'db' } })).toEqual(['dev', 'prod', 'local', 'sandbox']);
    expect(listEnvironments({ cwd: project({ ...config({ dev: {} }), '.env': 'DATABASE_URL=postgres://x/y\n' }), processEnv: {} })).toEqual(['dev', 'local', 'sandbox']);
    expect(listEnvironments({ cwd: project(config({ local: {}, sandbox: { databaseUrl: 'postgres://x/y' } })), processEnv: {} })).toEqual(['local', 'sandbox']);
  });

  it('is what --env accepts: a name off the list is refused with the list', () => {
    const dir = project(config({ dev: {} }));
    expect(() => resolveEnvironment({ name: 'local', cwd: dir, processEnv: {} })).toThrow('No environment "local" (known: dev, sandbox).');
    expect(() => resolveEnvironment({ name: '__proto__', cwd: dir, processEnv: {} })).toThrow('No environment "__proto__"');
    expect(() => resolveEnvironment({ name: 'constructor', cwd: dir, processEnv: {} })).toThrow('No environment "constructor"');
    expect(resolveEnvironment({ name: 'local', cwd: dir, processEnv: { DATABASE_URL: 'postgres://x/y' } }).name).toBe('local');
    expect(resolveEnvironment({ name: 'sandbox', cwd: dir, processEnv: {} }).sandbox).toBe('default');
    for (const name of listEnvironments({ cwd: dir, processEnv: {} })) expect(resolveEnvironment({ name, cwd: dir, processEnv: {} }).name).toBe(name);
  });
});
