// What an environment points at, for the record: host, port, database and user, or the sandbox copy.
// Never a password or a key: a connection string is taken apart and only those parts are kept.

import type { DatabaseSettings, Environment } from './environment.js';

export interface EnvironmentTarget {
  /** The embedded sandbox this environment uses (a restored copy has its own name). */
  sandbox?: string;
  host?: string;
  port?: number;
  database?: string;
  user?: string;
  supabaseUrl?: string;
}

function fromDatabase(db: DatabaseSettings | undefined): EnvironmentTarget {
  if (!db) return {};
  if (db.connectionString) {
    try {
      const url = new URL(db.connectionString);
      const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
      const host = url.hostname || url.searchParams.get('host') || undefined;
      return {
        ...(host ? { host } : {}),
        ...(url.port ? { port: Number(url.port) } : {}),
        ...(database ? { database } : {}),
        ...(url.username ? { user: decodeURIComponent(url.username) } : {}),
      };
    } catch {
      // A libpq keyword string ("host=… dbname=…"): only the harmless keywords.
      const pick = (key: string) => new RegExp(`(?:^|\\s)${key}\\s*=\\s*'?([^\\s']+)`).exec(db.connectionString!)?.[1];
      const port = pick('port');
      return { ...(pick('host') ? { host: pick('host') } : {}), ...(port ? { port: Number(port) } : {}), ...(pick('dbname') ? { database: pick('dbname') } : {}), ...(pick('user') ? { user: pick('user') } : {}) };
    }
  }
  return { ...(db.host ? { host: db.host } : {}), ...(db.port ? { port: db.port } : {}), ...(db.database ? { database: db.database } : {}), ...(db.user ? { user: db.user } : {}) };
}

/** The environment's target as recorded in the session's started and environment events. */
export function environmentTarget(env: Pick<Environment, 'database' | 'sandbox' | 'supabase'>): EnvironmentTarget {
  let supabaseUrl: string | undefined;
  try {
    if (env.supabase?.url) {
      const url = new URL(env.supabase.url);
      supabaseUrl = `${url.protocol}//${url.host}`;
    }
  } catch {
    // Not a URL: left out rather than recorded as typed.
  }
  return { ...(env.sandbox ? { sandbox: env.sandbox } : fromDatabase(env.database)), ...(supabaseUrl ? { supabaseUrl } : {}) };
}

/** One line for people: `db.example.com:5432, database app, user ops` or `sandbox restore-test`. */
export function describeTarget(target: EnvironmentTarget | undefined): string {
  if (!target) return '';
  const parts = [
    target.sandbox ? `sandbox ${target.sandbox} (an embedded database on the operator's machine)` : '',
    target.host ? `${target.host}${target.port ? `:${target.port}` : ''}` : '',
    target.database ? `database ${target.database}` : '',
    target.user ? `user ${target.user}` : '',
    target.supabaseUrl ? `Supabase ${target.supabaseUrl}` : '',
  ].filter(Boolean);
  return parts.join(', ');
}
