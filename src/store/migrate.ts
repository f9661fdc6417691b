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

async function withPostgrator<T>(database: ClientConfig, work: (postgrator: import('postgrator').default, client: import('pg').Client) => Promise<T>): Promise<T> {
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
    return await work(postgrator, client);
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

/** What a rollback would touch: the database's name and how many recorded sessions its store holds. */
export async function storeContents(database: ClientConfig): Promise<{ database: string; sessions: number }> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ ...database, connectionTimeoutMillis: 10_000, application_name: 'runbook-migrate' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query<{ database: string; present: boolean }>("select current_database() as database, to_regclass('runbook_sessions') is not null as present");
    const sessions = rows[0]!.present ? (await client.query<{ n: number }>('select count(*)::int as n from runbook_sessions')).rows[0]!.n : 0;
    return { database: rows[0]!.database, sessions };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Undo the last applied migration; returns its version, or undefined when none is applied. The undo
 * scripts refuse to touch a store holding sessions unless `dropRecordedData` (the operator's typed
 * decision) sets runbook.drop_recorded_data for this connection.
 */
export async function rollback(database: ClientConfig, options: { dropRecordedData?: boolean } = {}): Promise<number | undefined> {
  return withPostgrator(database, async (postgrator, client) => {
    const current = await postgrator.getDatabaseVersion();
    if (!current) return undefined;
    if (options.dropRecordedData) await client.query("select set_config('runbook.drop_recorded_data', 'yes', false)");
    const versions = (await postgrator.getMigrations()).filter((m) => m.action === 'do' && m.version < current).map((m) => m.version);
    await postgrator.migrate(String(versions.length ? Math.max(...versions) : 0));
    return current;
  });
}
