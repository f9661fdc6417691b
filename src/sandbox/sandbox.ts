// The sandbox: an embedded PostgreSQL (PGlite) served on 127.0.0.1 over the ordinary wire protocol,
// so the SQL runner, psql in a shell step and `npm run db:migrate -- --env sandbox` all see a normal
// database. One process serves a sandbox at a time; others (a shell step's child) reuse its server
// through the port recorded in its lock file.

import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { runbookCommand } from '../format/command.js';
import { processAlive } from '../session/lock.js';
import { stateDir } from '../session/paths.js';
import { createFromTemplate } from './template.js';
import { isStorageError, storageFault } from '../session/fault.js';

export const DEFAULT_SANDBOX = 'default';
const SERVER_FILE = '.runbook-server.json';

export interface RunningSandbox {
  name: string;
  url: string;
  port: number;
  /** Whether this process serves it (and must stop it). */
  owned: boolean;
  stop(): Promise<void>;
}

export function sandboxRoot(env: NodeJS.ProcessEnv = process.env): string {
  return join(stateDir(env), 'sandbox');
}

export function sandboxDir(name: string, env: NodeJS.ProcessEnv = process.env): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) throw new UsageError(`"${name}" is not a sandbox name: use letters, digits, dots, dashes and underscores.`);
  return join(sandboxRoot(env), name);
}

/** The server another live process runs for this sandbox, if any. */
export function runningServer(dir: string): { pid: number; port: number } | undefined {
  try {
    const info = JSON.parse(readFileSync(join(dir, SERVER_FILE), 'utf8')) as { pid: number; port: number; host: string };
    return info.host === hostname() && processAlive(info.pid) ? info : undefined;
  } catch {
    return undefined;
  }
}

const urlFor = (port: number) => `postgresql://postgres@127.0.0.1:${port}/postgres`;

const served = new Map<string, Promise<RunningSandbox>>();

async function openDatabase(dir: string, options: { env?: NodeJS.ProcessEnv; onProgress?: (message: string) => void; loadDataDir?: Blob } = {}) {
  const { loadDataDir } = options;
  const fresh = !existsSync(join(dir, 'PG_VERSION'));
  try {
    if (fresh && !loadDataDir) {
      // A folder without PG_VERSION is a creation that never finished: start it again.
      rmSync(dir, { recursive: true, force: true });
      await createFromTemplate(dir, options.env ?? process.env, options.onProgress);
    }
    mkdirSync(dir, { recursive: true });
    const [{ PGlite }, { pg_stat_statements }] = await Promise.all([import('@electric-sql/pglite'), import('@electric-sql/pglite/contrib/pg_stat_statements')]);
    return await PGlite.create({ dataDir: dir, extensions: { pg_stat_statements }, ...(loadDataDir ? { loadDataDir } : {}) });
  } catch (error) {
    if (!isStorageError(error) && error instanceof Error) throw error;
    // A half-made data folder would fail the next start in a stranger way: a fresh one is removed.
    const fault = storageFault(error, fresh ? 'create the sandbox database' : 'open the sandbox database', dir, fresh ? 'the half-made sandbox was removed' : undefined);
    if (fresh) rmSync(dir, { recursive: true, force: true });
    throw fault;
  }
}

/** Serve a sandbox on 127.0.0.1 (creating it the first time), or join the server another process runs. */
export function startSandbox(name = DEFAULT_SANDBOX, options: { env?: NodeJS.ProcessEnv; onProgress?: (message: string) => void } = {}): Promise<RunningSandbox> {
  const dir = sandboxDir(name, options.env);
  const existing = served.get(dir);
  if (existing) return existing;
  const starting = (async (): Promise<RunningSandbox> => {
    const other = runningServer(dir);
    if (other) return { name, url: urlFor(other.port), port: other.port, owned: false, stop: async () => undefined };
    const db = await openDatabase(dir, { env: options.env, onProgress: options.onProgress });
    const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
    await server.start();
    const port = Number(server.getServerConn().split(':').pop());
    // The sandbox never keeps a finished command alive.
    (server as unknown as { server?: { unref(): void } }).server?.unref();
    writeFileSync(join(dir, SERVER_FILE), JSON.stringify({ pid: process.pid, host: hostname(), port }));
    const release = () => {
      try {
        if (runningServer(dir)?.pid === process.pid) unlinkSync(join(dir, SERVER_FILE));
      } catch {
        // already gone
      }
    };
    process.once('exit', release);
    return {
      name,
      url: urlFor(port),
      port,
      owned: true,
      stop: async () => {
        served.delete(dir);
        await server.stop().catch(() => undefined);
        await db.close().catch(() => undefined);
        release();
      },
    };
  })();
  served.set(dir, starting);
  starting.catch(() => served.delete(dir));
  return starting;
}

/** Stop every sandbox this process serves. */
export async function stopSandboxes(): Promise<void> {
  const all = [...served.values()];
  await Promise.all(all.map(async (s) => (await s.catch(() => undefined))?.stop()));
}

export interface SandboxInfo {
  name: string;
  path: string;
  sizeBytes: number;
  running: boolean;
}

function sizeOf(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? sizeOf(path) : statSync(path).size;
  }
  return total;
}

export function listSandboxes(env: NodeJS.ProcessEnv = process.env): SandboxInfo[] {
  const root = sandboxRoot(env);
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => ({ name: e.name, path: join(root, e.name), sizeBytes: sizeOf(join(root, e.name)), running: Boolean(runningServer(join(root, e.name))) }));
}

function assertIdle(name: string, env: NodeJS.ProcessEnv): string {
  const dir = sandboxDir(name, env);
  const other = runningServer(dir);
  if (other) throw new UsageError(`The sandbox "${name}" is in use by process ${other.pid}; finish that session first.`);
  return dir;
}

export function removeSandbox(name: string, env: NodeJS.ProcessEnv = process.env): void {
  const dir = assertIdle(name, env);
  if (!existsSync(dir)) throw new UsageError(`There is no sandbox "${name}".`);
  rmSync(dir, { recursive: true, force: true });
}

/** The sandbox's whole data folder as a gzipped tarball. */
export async function dumpSandbox(name: string, file: string, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const dir = assertIdle(name, env);
  if (!existsSync(join(dir, 'PG_VERSION'))) throw new UsageError(`There is no sandbox "${name}" to dump (${runbookCommand('sandbox create')}).`);
  const db = await openDatabase(dir, { env });
  try {
    const blob = await db.dumpDataDir('gzip');
    const bytes = Buffer.from(await blob.arrayBuffer());
    writeFileSync(file, bytes);
    return bytes.length;
  } finally {
    await db.close();
  }
}

/** A new sandbox from a dump, under its own name. */
export async function restoreSandbox(file: string, name: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const dir = sandboxDir(name, env);
  if (existsSync(dir)) throw new UsageError(`A sandbox "${name}" exists already; pick another name or remove it (${runbookCommand(`sandbox rm ${name}`)}).`);
  if (!existsSync(file)) throw new UsageError(`No such dump: ${file}.`);
  const db = await openDatabase(dir, { env, loadDataDir: new Blob([readFileSync(file)]) });
  await db.close();
}
