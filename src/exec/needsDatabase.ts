// Which actions need a database: the sandbox starts only when the first of them runs, so a section of
// plain shell steps never pays for an embedded PostgreSQL.

import type { Action } from '../runbook/model.js';

/** libpq's client programs (and `supabase db …`), wherever they appear in the command: a path or a pipe. */
const LIBPQ_TOOL = /(?<![\w-])(?:psql|pg_dump|pg_dumpall|pg_restore|pgbench|createdb|dropdb|createuser|dropuser|vacuumdb|reindexdb|clusterdb|pg_isready|pg_basebackup|pg_receivewal|pg_recvlogical)(?![\w-])/;
const SUPABASE_DB = /(?<![\w-])supabase(?:\s+--?[\w-]+(?:[= ]\S+)?)*\s+(?:db|migration|inspect|test)(?![\w-])/;
/** DATABASE_URL and libpq's PG* variables, named anywhere (`$PGHOST`, `printenv PGUSER`, a script's os.environ[…]). */
const DATABASE_VARIABLE = /(?<![\w])(?:DATABASE_URL|PG[A-Z_]+)(?!\w)/;

export function needsDatabase(action: Action): boolean {
  if (action.kind === 'sql' || action.kind === 'supabase') return true;
  if (action.kind !== 'shell') return false;
  if ((action.env ?? []).some((name) => name === 'DATABASE_URL' || /^PG[A-Z_]+$/.test(name))) return true;
  return LIBPQ_TOOL.test(action.code) || SUPABASE_DB.test(action.code) || DATABASE_VARIABLE.test(action.code);
}
