// Store schema migrations with postgrator: db/migrations/NNN.do.*.sql forward, NNN.undo.*.sql back.

import { join } from 'node:path';
import type { ClientConfig } from 'pg';
import { packageRoot } from './packageRoot.js';

export const SCHEMA_TABLE = 'runbook_schemaversion';

export interface MigrationStatus {
  current: number;
  latest: number;
  applied: Array<{ version: number; name: string }>;
  pending: Array<{ version: number; name: string }>;
}

async function withPostgrator<T>(database: ClientConfig, work: (postgrator: import('postgrator').default) => Promise<T>): Promise<T> {
  const [{ default: pg }, { default: Postgrator }] = await Promise.all([import('pg'), import('postgrator')]);
  const client = new pg.Client({ ...database, connectionTimeoutMillis: 10_000, application_name: 'runbook-migrate' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const postgrator = new Postgrator({
      migrationPattern: join(packageRoot(), 'db', 'migrations', '*'),
      driver: 'pg',
      schemaTable: SCHEMA_TABLE,
      execQuery: (query: string) => client.query(query),
    });
    return await work(postgrator);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function migrationStatus(database: ClientConfig): Promise<MigrationStatus> {
  return withPostgrator(database, async (postgrator) => {
    const current = await postgrator.getDatabaseVersion();
    const latest = await postgrator.getMaxVersion();
    const migrations = (await postgrator.getMigrations()).filter((m) => m.action === 'do').sort((a, b) => a.version - b.version);
    const describe = (m: { version: number; name: string }) => ({ version: m.version, name: m.name });
    return { current, latest, applied: migrations.filter((m) => m.version <= current).map(describe), pending: migrations.filter((m) => m.version > current).map(describe) };
  });
}

/** Apply every pending migration; returns the versions applied. */
export async function migrate(database: ClientConfig): Promise<number[]> {
  return withPostgrator(database, async (postgrator) => (await postgrator.migrate()).map((m) => m.version));
}

/** Undo the last applied migration; returns its version, or undefined when none is applied. */
export async function rollback(database: ClientConfig): Promise<number | undefined> {
  return withPostgrator(database, async (postgrator) => {
    const current = await postgrator.getDatabaseVersion();
    if (!current) return undefined;
    const versions = (await postgrator.getMigrations()).filter((m) => m.action === 'do' && m.version < current).map((m) => m.version);
    await postgrator.migrate(String(versions.length ? Math.max(...versions) : 0));
    return current;
  });
}
