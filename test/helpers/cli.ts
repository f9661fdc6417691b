import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Parsed-model cache of the processes tests start: never the developer's own ~/.cache. */
const CACHE = mkdtempSync(join(tmpdir(), 'runbook-cache-'));

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = `${ROOT}bin/runbook.js`;
export const SEED = `${ROOT}runbook/supabase-operations.md`;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the built CLI as a user would: a real process, no TTY, no stdin. */
export function runCli(args: string[], options: SpawnSyncOptions = {}): CliResult {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    input: '',
    timeout: 60_000,
    maxBuffer: 256 * 1024 * 1024,
    ...options,
    env: { ...process.env, XDG_CACHE_HOME: CACHE, NO_COLOR: '1', ...(options.env ?? {}) },
  });
  return { code: result.status, stdout: String(result.stdout), stderr: String(result.stderr) };
}
