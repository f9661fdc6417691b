// A throwaway PostgreSQL cluster for tests (FACTS.md recipe): initdb --no-sync, a private socket
// folder, loopback only, a free port. As root, the server runs as the postgres user.

import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface Cluster {
  port: number;
  host: string;
  socketDir: string;
  dataDir: string;
  bin: string;
  /** Superuser connection URL for the `runbook_test` database. */
  url: string;
  /** Stop the server, keeping its data (a store going down). */
  pause(): void;
  /** Start it again on the same port. */
  resume(): void;
  stop(): void;
}

export function findPostgresBin(): string {
  if (process.env.PG_BIN && existsSync(join(process.env.PG_BIN, 'initdb'))) return process.env.PG_BIN;
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a)) : [];
  if (!versions.length) {
    throw new Error(
      'PostgreSQL server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql/*/bin or $PG_BIN. ' +
        'The tests need a real PostgreSQL: install it (apt-get install postgresql) or set PG_BIN.',
    );
  }
  return join(base, versions[0]!, 'bin');
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const asRoot = userInfo().uid === 0;
export const SUPERUSER_PASSWORD = 'pg-test-superuser-pw';

function run(bin: string, args: string[]): void {
  const command = asRoot ? 'runuser' : bin;
  const argv = asRoot ? ['-u', 'postgres', '--', bin, ...args] : args;
  const result = spawnSync(command, argv, { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`${bin.split('/').pop()} failed: ${result.stderr || result.stdout || result.error?.message}`);
}

export async function startCluster(options: { preload?: string[] } = {}): Promise<Cluster> {
  const bin = findPostgresBin();
  const root = mkdtempSync(join(tmpdir(), 'runbook-pg-'));
  const dataDir = join(root, 'data');
  const socketDir = join(root, 'socket');
  mkdirSync(socketDir);
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(root, uid, gid);
    chownSync(socketDir, uid, gid);
    chmodSync(root, 0o755);
  }
  // Password auth over TCP (so a wrong password fails for real), trust on the private socket.
  const pwfile = join(root, 'pw');
  writeFileSync(pwfile, `${SUPERUSER_PASSWORD}\n`, { mode: 0o644 });
  run(join(bin, 'initdb'), ['-D', dataDir, '--no-sync', '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', `--pwfile=${pwfile}`]);
  const port = await freePort();
  const settings = [`-k ${socketDir}`, `-p ${port}`, '-c listen_addresses=127.0.0.1', '-c fsync=off', '-c full_page_writes=off', '-c synchronous_commit=off'];
  if (options.preload?.length) settings.push(`-c shared_preload_libraries=${options.preload.join(',')}`);
  run(join(bin, 'pg_ctl'), ['-D', dataDir, '-l', join(dataDir, 'server.log'), '-w', '-t', '60', '-o', settings.join(' '), 'start']);
  run(join(bin, 'createdb'), ['-h', socketDir, '-p', String(port), '-U', 'postgres', 'runbook_test']);
  const ctl = (action: 'start' | 'stop') =>
    run(join(bin, 'pg_ctl'), action === 'start' ? ['-D', dataDir, '-l', join(dataDir, 'server.log'), '-w', '-t', '60', '-o', settings.join(' '), 'start'] : ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
  const stop = () => {
    try {
      run(join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // Already stopped (a test paused it).
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  };
  return { port, host: '127.0.0.1', socketDir, dataDir, bin, url: `postgresql://postgres:${SUPERUSER_PASSWORD}@127.0.0.1:${port}/runbook_test`, pause: () => ctl('stop'), resume: () => ctl('start'), stop };
}

/** Run one query on its own connection (for setting up and checking what actions did). */
export async function query<T = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}
