// A prepared sandbox data folder: initdb and the demo schema run once (by `npm run build`, or on the
// first use on a machine whose build did not make one), and every new sandbox is a copy of it. Copying
// 40 MB of files costs tens of milliseconds; initdb in WASM costs seconds and most of a gigabyte.

import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { packageRoot } from '../store/packageRoot.js';

const COMPLETE = '.runbook-template-complete';

function schemaFiles(): string[] {
  const dir = join(packageRoot(), 'db', 'sandbox');
  return readdirSync(dir).filter((f) => f.endsWith('.sql')).sort().map((f) => join(dir, f));
}

function pgliteVersion(): string {
  let dir = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name, version } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
      if (name === '@electric-sql/pglite' && version) return version;
    }
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}

/** Names the template by what it is made of, so a new PGlite or a changed demo schema makes a new one. */
export function templateKey(): string {
  const hash = createHash('sha256').update(`pglite ${pgliteVersion()}\n`);
  for (const file of schemaFiles()) hash.update(`${file.split(/[\\/]/).pop()}\n`).update(readFileSync(file));
  return hash.digest('hex').slice(0, 16);
}

/** Where `npm run build` puts the template, beside the bundle. */
export function builtTemplateRoot(): string {
  return join(packageRoot(), 'dist', 'sandbox-template');
}

function cachedTemplateRoot(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'runbook', 'sandbox-template');
}

const isComplete = (dir: string) => existsSync(join(dir, COMPLETE));

/** Build the template under `root` unless it is there already; returns its folder. */
export async function buildTemplate(root: string, onProgress?: (message: string) => void): Promise<string> {
  const key = templateKey();
  const final = join(root, key);
  if (isComplete(final)) return final;
  onProgress?.('Preparing the sandbox database once for this machine (about 5 s)…');
  mkdirSync(root, { recursive: true });
  const work = join(root, `${key}.tmp-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  const [{ PGlite }, { pg_stat_statements }] = await Promise.all([import('@electric-sql/pglite'), import('@electric-sql/pglite/contrib/pg_stat_statements')]);
  const db = await PGlite.create({ dataDir: work, extensions: { pg_stat_statements } });
  try {
    for (const file of schemaFiles()) await db.exec(readFileSync(file, 'utf8'));
  } finally {
    await db.close();
  }
  writeFileSync(join(work, COMPLETE), `${key}\n`);
  try {
    renameSync(work, final);
  } catch {
    // Another process finished the same template first: theirs is as good as ours.
    rmSync(work, { recursive: true, force: true });
    if (!isComplete(final)) throw new Error(`could not put the sandbox template in ${final}`);
  }
  return final;
}

/** A ready template folder: the one the build made, else one in the cache (made now if needed). */
export async function readyTemplate(env: NodeJS.ProcessEnv, onProgress?: (message: string) => void): Promise<string> {
  const key = templateKey();
  const built = join(builtTemplateRoot(), key);
  if (isComplete(built)) return built;
  return buildTemplate(cachedTemplateRoot(env), onProgress);
}

/** A new sandbox data folder at `dir`, copied from the template. */
export async function createFromTemplate(dir: string, env: NodeJS.ProcessEnv, onProgress?: (message: string) => void): Promise<void> {
  const template = await readyTemplate(env, onProgress);
  mkdirSync(dirname(dir), { recursive: true });
  const work = `${dir}.tmp-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  try {
    cpSync(template, work, { recursive: true, filter: (source) => !source.endsWith(COMPLETE) });
    renameSync(work, dir);
  } catch (error) {
    // A half-copied database would be taken for a sandbox later: nothing of it stays.
    rmSync(work, { recursive: true, force: true });
    throw error;
  }
}
