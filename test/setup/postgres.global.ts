// One real PostgreSQL for the whole test run, started and stopped by the tests themselves.
import { readFileSync } from 'node:fs';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startCluster } from '../helpers/postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    databasePort: number;
    postgresBin: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const cluster = await startCluster({ preload: ['pg_stat_statements'] });
  const client = new pg.Client({ connectionString: cluster.url });
  await client.connect();
  await client.query(readFileSync(new URL('../fixtures/app.sql', import.meta.url), 'utf8'));
  await client.end();
  project.provide('databaseUrl', cluster.url);
  project.provide('databasePort', cluster.port);
  project.provide('postgresBin', cluster.bin);
  return () => cluster.stop();
}
