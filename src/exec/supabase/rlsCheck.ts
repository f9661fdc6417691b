// `rls check [TABLE …]`: what the anon key can read through the Data API, table by table, in one of
// three states: rows (exposed), denied (permission denied, or rows that row level security hides),
// empty (nothing to read, so nothing proves it protected). Telling "denied" from "empty" takes the
// service-role key (a HEAD with count=exact as each key); without it a table with no visible rows is
// "unknown". With a database connection, a table without rows that anon may read with row level
// security off counts as exposed too. Any exposed table fails the check.

import { supabaseClient, type Client } from './client.js';
import { need, VerbError, type VerbContext, type VerbResult } from './verb.js';

export type TableState = 'rows' | 'denied' | 'empty' | 'unknown';

interface OpenApi {
  paths?: Record<string, unknown>;
  definitions?: Record<string, { properties?: Record<string, unknown> }>;
}

async function describeApi(ctx: VerbContext, url: string, key: string): Promise<OpenApi> {
  // PostgREST describes what the caller may use at its root (OpenAPI); Supabase refuses it to anon.
  const response = await ctx.fetch(`${url.replace(/\/$/, '')}/rest/v1/`, { headers: { apikey: key, Authorization: `Bearer ${key}`, Accept: 'application/openapi+json' } });
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new VerbError(`listing tables with the service-role key failed: the Data API answered ${response.status}`);
  }
  return (await response.json()) as OpenApi;
}

function tablesOf(spec: OpenApi): string[] {
  return Object.keys(spec.paths ?? {})
    .filter((p) => p !== '/' && !p.startsWith('/rpc/'))
    .map((p) => p.slice(1))
    .sort();
}

interface Count {
  status: number;
  count: number | null;
  denied: boolean;
  error?: string;
}

async function headCount(client: Client, signal: AbortSignal, table: string, columns = '*'): Promise<Count> {
  const { count, status, error } = await client.from(table).select(columns, { count: 'exact', head: true });
  // supabase-js answers a failed fetch with an error object; a deadline or cancel must stop the verb.
  if (signal.aborted) throw signal.reason;
  const denied = status === 401 || status === 403 || error?.code === '42501';
  // postgrest-js turns a HEAD answered 404 (no such table) into "204 No Content" with no count.
  const missing = !denied && !error && (status === 404 || status === 204 || count === null);
  const failed = !denied && (error || status >= 400 || status === 0);
  if (missing) return { status, count: null, denied, error: 'no such table: the answer carried no row count' };
  return { status, count: count ?? null, denied, ...(failed ? { error: error?.message || `HTTP ${status}` } : {}) };
}

export async function rlsCheck(ctx: VerbContext, args: string[]): Promise<VerbResult> {
  const url = need(ctx.env.supabase.url, 'SUPABASE_URL');
  const anonKey = need(ctx.env.supabase.anonKey, 'SUPABASE_ANON_KEY');
  const serviceKey = ctx.env.supabase.serviceRoleKey;
  const bad = args.find((a) => !/^[A-Za-z_][A-Za-z0-9_$-]*$/.test(a));
  if (bad !== undefined) throw new VerbError(`"${bad}" is not a table name`);
  if (!args.length && !serviceKey) {
    throw new VerbError('rls check without table names needs SUPABASE_SERVICE_ROLE_KEY (or a secret key) to list the tables: the Data API no longer lists them to the anon key; name the tables (rls check TABLE …) or set the key');
  }
  const spec: OpenApi = serviceKey ? await describeApi(ctx, url, serviceKey).catch((error: Error) => (args.length ? {} : Promise.reject(error))) : {};
  const tables = args.length ? args : tablesOf(spec);
  const anon = await supabaseClient(url, anonKey, ctx.fetch);
  const service = serviceKey ? await supabaseClient(url, serviceKey, ctx.fetch) : undefined;

  const byState: Record<TableState, string[]> = { rows: [], denied: [], empty: [], unknown: [] };
  const failed: string[] = [];
  for (const table of tables) {
    const asAnon = await headCount(anon, ctx.signal, table);
    if (asAnon.error) {
      failed.push(`${table} (${asAnon.error})`);
      ctx.out({ table, status: asAnon.status, error: asAnon.error });
      continue;
    }
    let state: TableState;
    let total: number | null = null;
    const readableColumns: string[] = [];
    if (!asAnon.denied && (asAnon.count ?? 0) > 0) state = 'rows';
    else if (service) {
      const asService = await headCount(service, ctx.signal, table);
      total = asService.error ? null : asService.count;
      if (asAnon.denied && total) {
        // A column-level grant denies `select *` but still lets anon read those columns.
        for (const column of Object.keys(spec.definitions?.[table]?.properties ?? {})) {
          const one = await headCount(anon, ctx.signal, table, column);
          if (!one.denied && !one.error && (one.count ?? 0) > 0) readableColumns.push(column);
        }
      }
      // Denied by permission is denied, whatever the table holds; no rows for anon is "denied" only
      // when the service-role key sees some.
      state = readableColumns.length ? 'rows' : asAnon.denied ? 'denied' : total === null ? 'unknown' : total === 0 ? 'empty' : 'denied';
    } else state = asAnon.denied ? 'denied' : 'unknown';
    byState[state].push(readableColumns.length ? `${table} (columns ${readableColumns.join(', ')})` : table);
    ctx.out({ table, state, status: asAnon.status, anonRows: asAnon.denied ? null : asAnon.count, ...(service ? { totalRows: total } : {}), ...(readableColumns.length ? { anonColumns: readableColumns } : {}) });
  }

  // A table with nothing to read today is exposed tomorrow when anon may read it and row level
  // security is off: the database, when the environment has one, says which.
  const open = ctx.env.database ? await openToAnon(ctx, [...byState.empty, ...byState.unknown]) : { tables: [] };
  for (const table of open.tables) ctx.out({ table, openToAnon: true });

  const n = tables.length;
  const summary: string[] = [];
  summary.push(byState.rows.length ? `${byState.rows.length} of ${n} table${n === 1 ? '' : 's'} return rows to anon: ${byState.rows.join(', ')}` : `none of ${n} table${n === 1 ? '' : 's'} return rows to anon`);
  if (byState.denied.length) summary.push(`denied to anon (permission or row level security): ${byState.denied.join(', ')}`);
  if (byState.empty.length) summary.push(`empty, so nothing proves them protected (check them with rls matrix): ${byState.empty.join(', ')}`);
  if (byState.unknown.length) {
    const why = service ? 'the service-role key could not count them either, so' : 'without SUPABASE_SERVICE_ROLE_KEY';
    summary.push(`no rows for anon, but ${why} empty cannot be told from blocked: ${byState.unknown.join(', ')}`);
  }
  const openLine = open.tables.length ? `readable by anon with row level security off, so exposed as soon as rows arrive: ${open.tables.join(', ')}` : undefined;
  if (openLine) summary.push(openLine);
  if (open.error) summary.push(`could not read the database catalog to check the tables without rows: ${open.error}`);
  if (failed.length) summary.push(`could not check: ${failed.join(', ')}`);
  const problem = byState.rows.length ? summary[0]! : openLine ?? (failed.length ? `could not check: ${failed.join(', ')}` : undefined);
  return { summary, ...(problem ? { problem } : {}) };
}

/** Of these tables in public, those anon may read (a grant on the table or a column) with row level security off. */
async function openToAnon(ctx: VerbContext, tables: string[]): Promise<{ tables: string[]; error?: string }> {
  if (!tables.length) return { tables: [] };
  const { default: pg } = await import('pg');
  const client = new pg.Client({ ...ctx.env.database, connectionTimeoutMillis: Math.min(ctx.timeoutMs, 10_000), application_name: 'runbook rls check' });
  client.on('error', () => undefined);
  const stop = () => (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
  ctx.signal.addEventListener('abort', stop, { once: true });
  try {
    await client.connect();
    await client.query('begin read only');
    const { rows } = await client.query<{ name: string }>(
      `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relname = any($1::text[]) and c.relkind in ('r', 'p') and not c.relrowsecurity
          and exists (select 1 from pg_roles r where r.rolname = 'anon' and (has_table_privilege(r.oid, c.oid, 'SELECT') or has_any_column_privilege(r.oid, c.oid, 'SELECT')))
        order by 1`,
      [tables],
    );
    await client.query('rollback');
    return { tables: rows.map((r) => r.name) };
  } catch (error) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    return { tables: [], error: (error as Error).message };
  } finally {
    ctx.signal.removeEventListener('abort', stop);
    await client.end().catch(() => undefined);
  }
}
