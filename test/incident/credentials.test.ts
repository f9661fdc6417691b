// Credentials from a command: fetched on first use, kept in memory only, refreshed after the ttl.
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkConfiguredValue, CredentialCommands } from '../../src/exec/credentials.js';

function stub(body: string): { dir: string; script: string; calls: () => number } {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-cred-'));
  const script = join(dir, 'secret-manager');
  writeFileSync(script, `#!/bin/bash\necho x >> "${dir}/calls"\n${body}\n`);
  chmodSync(script, 0o755);
  return { dir, script, calls: () => readFileSync(join(dir, 'calls'), 'utf8').split('\n').filter(Boolean).length };
}

describe('credential commands', () => {
  it('runs the command once on first use and keeps the value until its ttl has passed', async () => {
    const { dir, script, calls } = stub('echo "postgres://ops:S3cr3t-$(cat "$0.n" 2>/dev/null || echo 1)@db/prod"; echo 2 > "$0.n"');
    let now = 1_000;
    const credentials = new CredentialCommands({ cwd: dir, env: { PATH: process.env.PATH! }, now: () => now });
    const spec = { command: script, ttl: 60 };
    expect(await credentials.resolve('prod.databaseUrl', spec)).toBe('postgres://ops:S3cr3t-1@db/prod');
    expect(await credentials.resolve('prod.databaseUrl', spec)).toBe('postgres://ops:S3cr3t-1@db/prod');
    expect(calls()).toBe(1);
    now += 61_000;
    expect(await credentials.resolve('prod.databaseUrl', spec)).toBe('postgres://ops:S3cr3t-2@db/prod');
    expect(calls()).toBe(2);
    expect(credentials.values).toEqual(['postgres://ops:S3cr3t-1@db/prod', 'postgres://ops:S3cr3t-2@db/prod']);
  });

  it('asks once when several actions need the value at the same moment', async () => {
    const { dir, script, calls } = stub('echo token-value');
    const credentials = new CredentialCommands({ cwd: dir, env: { PATH: process.env.PATH! } });
    const values = await Promise.all([1, 2, 3].map(() => credentials.resolve('key', { command: script })));
    expect(values).toEqual(['token-value', 'token-value', 'token-value']);
    expect(calls()).toBe(1);
  });

  it('fails in one sentence with the stderr of the command, known secrets redacted', async () => {
    const { dir, script } = stub('echo "AccessDenied for key hunter2-known-secret" >&2; exit 254');
    const credentials = new CredentialCommands({ cwd: dir, env: { PATH: process.env.PATH! }, knownSecrets: () => ['hunter2-known-secret'] });
    const error = await credentials.resolve('prod.databaseUrl', { command: script }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^The command for prod\.databaseUrl exited with 254: AccessDenied for key .*\.$/);
    expect((error as Error).message).not.toContain('hunter2-known-secret');
    expect((error as { exitCode?: number }).exitCode).toBe(2);
  });

  it('refuses an empty answer and a missing program', async () => {
    const { dir, script } = stub('true');
    const credentials = new CredentialCommands({ cwd: dir, env: { PATH: process.env.PATH! } });
    await expect(credentials.resolve('a', { command: script })).rejects.toThrow('The command for a printed nothing.');
    await expect(credentials.resolve('b', { command: 'no-such-secret-manager get x' })).rejects.toThrow(/The command for b its program was not found/);
  });

  it('checks the shape of a configured value', () => {
    expect(checkConfiguredValue('$URL', 'prod.databaseUrl')).toBeUndefined();
    expect(checkConfiguredValue({ command: 'op read x' }, 'prod.databaseUrl')).toBeUndefined();
    expect(checkConfiguredValue({ cmd: 'x' }, 'prod.databaseUrl')).toBe('prod.databaseUrl must be a string or { "command": "…" }.');
    expect(checkConfiguredValue({ command: 'x', ttl: -1 }, 'prod.databaseUrl')).toBe('prod.databaseUrl.ttl must be a number of seconds above 0.');
  });
});
