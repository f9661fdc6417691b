// A database of its own on the test cluster, loaded from SQL files, for tests that need a schema the
// shared fixture does not have. Roles are cluster-wide: creating one that exists is not an error.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';

export function tolerantRoles(sql: string): string {
  return sql.replace(/^create role (\w+)([^;]*);$/gim, (_m, name: string, rest: string) => `do $$ begin create role ${name}${rest}; exception when duplicate_object then null; end $$;`);
}

export async function scratchDatabase(clusterUrl: string, files: string[], prefix = 'scratch'): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: clusterUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(clusterUrl);
  url.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  for (const file of files) await client.query(tolerantRoles(readFileSync(file, 'utf8')));
  await client.end();
  return {
    url: url.toString(),
    drop: async () => {
      const again = new pg.Client({ connectionString: clusterUrl });
      await again.connect();
      await again.query(`drop database if exists ${name} with (force)`);
      await again.end();
    },
  };
}
