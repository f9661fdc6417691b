// `rls matrix`: who can see which rows. Over the environment's database connection (so it works on
// the sandbox and on any PostgreSQL with Supabase's roles), in ONE read-only, repeatable-read
// transaction, each table is counted as its owner sees it, as anon, and as `authenticated` carrying
// each given user's JWT claims, exactly the settings PostgREST makes (`set local role`,
// `request.jwt.claims` and the legacy `request.jwt.claim.*`). Rows seen by two or more users are
// compared by row identity; who may write comes from grants and policies.
//
// One connection only: the sandbox (PGlite) serves a single client at a time.

import type { Client, ClientConfig } from 'pg';
import type { DatabaseSettings } from '../environment.js';
import { claimsJson, type MatrixArgs, type MatrixUser } from './matrixArgs.js';

export class MatrixError extends Error {}

/** A count; `denied` when the role may not read the table at all; `error` when the query failed (see the notes). */
export type Visible = number | 'denied' | 'error';

export interface MatrixRow {
  table: string;
  kind: 'table' | 'view' | 'materialized view' | 'foreign table';
  rls: boolean;
  total: Visible;
  anon: Visible;
  users: Visible[];
  /** Rows seen by two or more of the users; undefined when fewer than two users or not comparable. */
  shared?: number;
  roles: Visible[];
  insert: string;
  update: string;
  delete: string;
}

export interface MatrixResult {
  /** `table,total,anon,<users…>,shared,<roles…>,insert,update,delete`. */
  columns: string[];
  rows: MatrixRow[];
  /** Things the reader must know to trust the numbers (how users were resolved, what was not comparable). */
  notes: string[];
}

export interface MatrixOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  connectTimeoutMs?: number;
}

/** The pseudo-user when none is given: any signed-in stranger (a valid JWT, no matching identity). */
const STRANGER: MatrixUser = { label: 'authenticated', claim: 'sub', claims: { sub: '00000000-0000-0000-0000-000000000000' } };
/** Comparing row identities holds every identity in memory: past this many rows only counts are given. */
const MAX_COMPARED_ROWS = 500_000;

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const KINDS: Record<string, MatrixRow['kind']> = { r: 'table', p: 'table', v: 'view', m: 'materialized view', f: 'foreign table' };

interface TableInfo {
  oid: number;
  schema: string;
  name: string;
  relkind: string;
  rls: boolean;
  pk: string[] | null;
}

interface PgError extends Error {
  code?: string;
}

export function matrixColumns(args: Pick<MatrixArgs, 'roles'>, users: MatrixUser[]): string[] {
  return ['table', 'total', 'anon', ...users.map((u) => u.label), 'shared', ...args.roles, 'insert', 'update', 'delete'];
}

export function matrixCells(row: MatrixRow): string[] {
  const cell = (v: Visible) => String(v);
  const writers = (w: string) => w || 'none';
  return [row.table, cell(row.total), cell(row.anon), ...row.users.map(cell), row.shared === undefined ? '' : String(row.shared), ...row.roles.map(cell), writers(row.insert), writers(row.update), writers(row.delete)];
}

async function endQuietly(client: Client): Promise<void> {
  await Promise.race([client.end().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
}

export async function rlsMatrix(database: DatabaseSettings, args: MatrixArgs, options: MatrixOptions): Promise<MatrixResult> {
  const { default: pg } = await import('pg');
  const config: ClientConfig = {
    ...database,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    application_name: 'runbook rls matrix',
  };
  const client = new pg.Client(config);
  client.on('error', () => undefined);
  if (options.signal?.aborted) throw new MatrixError('cancelled by the operator');
  try {
    await client.connect();
  } catch (error) {
    throw new MatrixError(`cannot connect to the database: ${(error as Error).message}`);
  }
  let cancelled = false;
  const onAbort = () => {
    cancelled = true;
    // PostgreSQL's cancel request stops the running count (the server does not notice a closed socket
    // while it computes). The single-connection sandbox refuses that second connection, so the socket
    // is also closed a moment later: the transaction rolls back either way.
    const internals = client as unknown as { activeQuery?: unknown; connection?: { stream?: { destroy(): void } } };
    if (internals.activeQuery) {
      const canceller = new pg.Client(config);
      canceller.on('error', () => undefined);
      (canceller as unknown as { cancel(c: Client, q: unknown): void }).cancel(client, internals.activeQuery);
    }
    setTimeout(() => internals.connection?.stream?.destroy(), 1_000).unref();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await client.query('begin isolation level repeatable read read only');
    await client.query("select set_config('statement_timeout', $1, true), set_config('lock_timeout', $2, true)", [String(options.timeoutMs), String(Math.min(options.timeoutMs, 5_000))]);
    const result = await inTransaction(client, args);
    await client.query('rollback');
    return result;
  } catch (error) {
    if (cancelled) throw new MatrixError('cancelled by the operator');
    if (error instanceof MatrixError) throw error;
    const e = error as PgError;
    if (e.code === '57014') throw new MatrixError(`a count ran longer than the action's ${Math.round(options.timeoutMs / 1000)} s timeout and was cancelled (57014)`);
    if (e.code === '55P03') throw new MatrixError(`a table was locked by another session for more than 5 s (55P03); try again when the migration or lock is gone`);
    throw new MatrixError(`${e.message}${e.code ? ` (${e.code})` : ''}`);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await endQuietly(client);
  }
}

async function exposedSchemas(client: Client, args: MatrixArgs): Promise<string[]> {
  if (args.schemas.length) return args.schemas;
  // PostgREST's exposed schemas, when its authenticator role carries them; otherwise Supabase's default.
  const { rows } = await client.query<{ setting: string }>(
    "select s.setting from pg_db_role_setting d join pg_roles r on r.oid = d.setrole, unnest(d.setconfig) s(setting) where r.rolname = 'authenticator' and s.setting like 'pgrst.db_schemas=%'",
  );
  const configured = rows[0]?.setting.slice('pgrst.db_schemas='.length).split(',').map((s) => s.trim()).filter(Boolean);
  return configured?.length ? configured : ['public'];
}

async function findTables(client: Client, args: MatrixArgs, schemas: string[]): Promise<TableInfo[]> {
  const { rows } = await client.query<{ oid: number; schema: string; name: string; relkind: string; rls: boolean; pk: string[] | null }>(
    `select c.oid::int as oid, n.nspname as schema, c.relname as name, c.relkind::text as relkind, c.relrowsecurity as rls,
            (select array_agg(a.attname::text order by k.ord)
               from pg_index i, unnest(i.indkey) with ordinality k(attnum, ord), pg_attribute a
              where i.indrelid = c.oid and i.indisprimary and a.attrelid = c.oid and a.attnum = k.attnum) as pk
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p', 'v', 'm', 'f') and not c.relispartition
        -- Objects an extension owns (pg_stat_statements' views) are not the application's tables.
        and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
        and (n.nspname = any($1::text[]) or $2::boolean)
      order by n.nspname, c.relname`,
    [schemas, args.tables.some((t) => t.includes('.'))],
  );
  if (!args.tables.length) return rows.filter((t) => schemas.includes(t.schema));
  return args.tables.map((wanted) => {
    // A name in an exposed schema first (a table may have a dot in its name), then SCHEMA.TABLE.
    const dot = wanted.indexOf('.');
    const found =
      rows.find((t) => t.name === wanted && schemas.includes(t.schema)) ??
      (dot > 0 ? rows.find((t) => t.schema === wanted.slice(0, dot) && t.name === wanted.slice(dot + 1)) : undefined);
    if (!found) throw new MatrixError(`no table or view "${wanted}" in the exposed schema${schemas.length > 1 ? 's' : ''} ${schemas.join(', ')}${dot > 0 ? ` or in schema ${wanted.slice(0, dot)}` : ''}`);
    return found;
  });
}

async function checkRoles(client: Client, roles: string[]): Promise<void> {
  const { rows } = await client.query<{ rolname: string }>('select rolname from pg_roles where rolname = any($1::text[])', [roles]);
  const missing = roles.filter((r) => !rows.some((row) => row.rolname === r));
  if (missing.length) {
    const supabase = missing.filter((r) => r === 'anon' || r === 'authenticated');
    throw new MatrixError(
      supabase.length
        ? `this database has no role ${supabase.join(' or ')}: rls matrix needs Supabase's roles (anon, authenticated)`
        : `no role ${missing.join(', ')} in this database`,
    );
  }
}

/** Fill in the claim a policy may key on: with Supabase Auth, email ⇄ sub (auth.users.id). */
async function resolveUsers(client: Client, users: MatrixUser[], notes: string[]): Promise<Array<Record<string, string>>> {
  let present = false;
  await client.query('savepoint auth_users');
  try {
    const { rows } = await client.query<{ present: boolean }>("select to_regclass('auth.users') is not null as present");
    present = Boolean(rows[0]?.present);
    await client.query('release savepoint auth_users');
  } catch {
    // The connecting user may not look into the auth schema: users keep the claims they were given.
    await client.query('rollback to savepoint auth_users');
  }
  if (!present) return users.map(() => ({}));
  const extra: Array<Record<string, string>> = [];
  for (const user of users) {
    const found: Record<string, string> = {};
    try {
      await client.query('savepoint resolve');
      if (user.claims.email && !user.claims.sub) {
        const { rows: r } = await client.query<{ id: string }>('select id::text as id from auth.users where email = $1', [user.claims.email]);
        if (r[0]) found.sub = r[0].id;
        else notes.push(`${user.label}: no auth.users row with that email, so auth.uid() is null for this user`);
      } else if (user.claims.sub && !user.claims.email) {
        const { rows: r } = await client.query<{ email: string | null }>('select email from auth.users where id::text = $1', [user.claims.sub]);
        if (r[0]?.email) found.email = r[0].email;
      }
      await client.query('release savepoint resolve');
    } catch {
      await client.query('rollback to savepoint resolve');
    }
    extra.push(found);
  }
  return extra;
}

/** The settings PostgREST makes for a request: the claims as JSON, and each top-level claim on its own (legacy). */
function jwtSettings(claims: Record<string, unknown>): { names: string[]; values: string[] } {
  const names = ['request.jwt.claims'];
  const values = [JSON.stringify(claims)];
  for (const [key, value] of Object.entries(claims)) {
    if (typeof value !== 'string') continue;
    names.push(`request.jwt.claim.${key}`);
    values.push(value);
  }
  return { names, values };
}

interface Probe {
  /** Who this is in the result: anon, a user's label, a role. */
  name: string;
  role: string;
  claims: Record<string, unknown>;
}

/** A query failed as this role for a reason other than permissions (a policy that errors, say). */
class ProbeFailed extends Error {}

/** Run one query as a role with JWT claims, inside a savepoint that undoes the role and the settings. */
async function asRole<T extends unknown[]>(client: Client, probe: Probe, sql: string): Promise<T[] | 'denied'> {
  const { names, values } = jwtSettings(probe.claims);
  await client.query('savepoint probe');
  try {
    await client.query('select set_config(s.name, s.value, true) from unnest($1::text[], $2::text[]) s(name, value)', [names, values]);
    try {
      await client.query(`set local role ${ident(probe.role)}`);
    } catch (error) {
      throw new MatrixError(`the database user may not act as the role ${probe.role} (${(error as Error).message}); grant ${probe.role} to it, as Supabase grants anon and authenticated to postgres`);
    }
    const { rows } = await client.query<T>({ text: sql, rowMode: 'array' });
    await client.query('rollback to savepoint probe');
    return rows;
  } catch (error) {
    await client.query('rollback to savepoint probe');
    if (error instanceof MatrixError) throw error;
    const e = error as PgError;
    // Permission denied (table, column or schema): the role cannot read it at all.
    if (e.code === '42501') return 'denied';
    // Out of time or blocked by a lock: the whole matrix stops, with its own sentence.
    if (e.code === '57014' || e.code === '55P03') throw error;
    throw new ProbeFailed(`${e.message}${e.code ? ` (${e.code})` : ''}`);
  }
}

async function countAs(client: Client, probe: Probe | undefined, from: string, notes: string[], label: string): Promise<Visible> {
  const sql = `select count(*)::text from ${from}`;
  if (probe) {
    try {
      const rows = await asRole<[string]>(client, probe, sql);
      return rows === 'denied' ? rows : Number(rows[0]![0]);
    } catch (error) {
      if (!(error instanceof ProbeFailed)) throw error;
      notes.push(`${label} as ${probe.name}: ${error.message}`);
      return 'error';
    }
  }
  await client.query('savepoint total');
  try {
    const { rows } = await client.query<[string]>({ text: sql, rowMode: 'array' });
    await client.query('release savepoint total');
    return Number(rows[0]![0]);
  } catch (error) {
    await client.query('rollback to savepoint total');
    const e = error as PgError;
    if (e.code === '42501') return 'denied';
    if (e.code === '57014' || e.code === '55P03') throw error;
    notes.push(`${label}: ${e.message}${e.code ? ` (${e.code})` : ''}`);
    return 'error';
  }
}

/** Ways to name a row, most exact first; a role may lack the privileges for some of them. */
function identities(table: TableInfo): string[] {
  const out: string[] = [];
  if (table.relkind === 'r' || table.relkind === 'p' || table.relkind === 'm') out.push("x.tableoid::text || ':' || x.ctid::text");
  if (table.pk?.length) out.push(`row(${table.pk.map((c) => `x.${ident(c)}`).join(', ')})::text`);
  out.push('x::text');
  return out;
}

async function usersSee(client: Client, table: TableInfo, from: string, probes: Probe[], total: Visible, notes: string[]): Promise<{ visible: Visible[]; shared?: number }> {
  const visible: Visible[] = [];
  if (probes.length < 2 || (typeof total === 'number' && total > MAX_COMPARED_ROWS)) {
    for (const probe of probes) visible.push(await countAs(client, probe, from, notes, table.name));
    if (probes.length >= 2) notes.push(`${table.name}: more than ${MAX_COMPARED_ROWS} rows, so shared rows were not compared`);
    return { visible };
  }
  const candidates = identities(table);
  let chosen = 0;
  const seen = new Map<string, number>();
  let comparable = true;
  const identify = async (probe: Probe, i: number) => {
    try {
      return await asRole<[string]>(client, probe, `select ${candidates[i]} from ${from} x`);
    } catch (error) {
      if (error instanceof ProbeFailed) return 'denied' as const;
      throw error;
    }
  };
  for (const probe of probes) {
    let rows: Array<[string]> | 'denied' = 'denied';
    // The first user picks the identity; later users must be able to read the same one.
    for (let i = chosen; i < candidates.length; i++) {
      rows = await identify(probe, i);
      if (rows !== 'denied') {
        if (probe === probes[0]) chosen = i;
        break;
      }
      if (probe !== probes[0]) break;
    }
    if (rows === 'denied') {
      const count = await countAs(client, probe, from, notes, table.name);
      visible.push(count);
      // Rows this user sees but cannot name, or a failed count: shared would be a guess.
      if (count === 'error' || (typeof count === 'number' && count > 0)) comparable = false;
      continue;
    }
    visible.push(rows.length);
    for (const key of new Set(rows.map((r) => r[0]))) seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  if (!comparable) {
    notes.push(`${table.name}: not every user's rows could be named (too few readable columns, or a failed count), so shared rows were not compared`);
    return { visible };
  }
  let shared = 0;
  for (const n of seen.values()) if (n >= 2) shared++;
  return { visible, shared };
}

interface RoleWrite {
  rolname: string;
  usage: boolean;
  bypass: boolean;
  ins: boolean;
  upd: boolean;
  del: boolean;
}

interface PolicyRow {
  cmd: string;
  permissive: boolean;
  qual: string | null;
  withcheck: string | null;
  roles: string[];
}

/** Who may insert, update and delete: privileges, then row level security and the policies that apply. */
async function writers(client: Client, table: TableInfo, roles: string[]): Promise<{ insert: string; update: string; delete: string }> {
  const { rows: grants } = await client.query<RoleWrite>(
    `select r.rolname, r.rolbypassrls as bypass,
            has_schema_privilege(r.oid, c.relnamespace, 'USAGE') as usage,
            (has_table_privilege(r.oid, c.oid, 'INSERT') or has_any_column_privilege(r.oid, c.oid, 'INSERT')) and (pg_relation_is_updatable(c.oid, false) & 8) <> 0 as ins,
            (has_table_privilege(r.oid, c.oid, 'UPDATE') or has_any_column_privilege(r.oid, c.oid, 'UPDATE')) and (pg_relation_is_updatable(c.oid, false) & 4) <> 0 as upd,
            has_table_privilege(r.oid, c.oid, 'DELETE') and (pg_relation_is_updatable(c.oid, false) & 16) <> 0 as del
       from pg_roles r, pg_class c where c.oid = $1 and r.rolname = any($2::text[])`,
    [table.oid, roles],
  );
  const { rows: policies } = await client.query<PolicyRow>(
    `select p.polcmd::text as cmd, p.polpermissive as permissive,
            pg_get_expr(p.polqual, p.polrelid) as qual, pg_get_expr(p.polwithcheck, p.polrelid) as withcheck,
            array(select case when pr = 0 then 'public' else pg_get_userbyid(pr)::text end from unnest(p.polroles) pr) as roles
       from pg_policy p where p.polrelid = $1`,
    [table.oid],
  );
  const { rows: membership } = await client.query<{ role: string; member_of: string }>(
    `select r.rolname as role, m.rolname as member_of from pg_roles r, pg_roles m
      where r.rolname = any($1::text[]) and pg_has_role(r.oid, m.oid, 'member')`,
    [roles],
  );
  const memberOf = (role: string, of: string) => of === 'public' || membership.some((m) => m.role === role && m.member_of === of);
  const describe = (command: 'a' | 'w' | 'd', granted: (g: RoleWrite) => boolean) => {
    const out: string[] = [];
    for (const role of roles) {
      const g = grants.find((row) => row.rolname === role);
      if (!g || !g.usage || !granted(g)) continue;
      if (!table.rls || g.bypass) {
        out.push(role);
        continue;
      }
      const applicable = policies.filter((p) => p.permissive && (p.cmd === command || p.cmd === '*') && p.roles.some((r) => memberOf(role, r)));
      if (!applicable.length) continue;
      const unrestricted = applicable.some((p) => {
        const check = command === 'a' ? (p.withcheck ?? p.qual) : command === 'w' ? p.qual : p.qual;
        return check === 'true' && (command !== 'w' || p.withcheck === null || p.withcheck === 'true');
      });
      out.push(unrestricted ? role : `${role} (policy)`);
    }
    return out.join(', ');
  };
  return { insert: describe('a', (g) => g.ins), update: describe('w', (g) => g.upd), delete: describe('d', (g) => g.del) };
}

async function inTransaction(client: Client, args: MatrixArgs): Promise<MatrixResult> {
  const notes: string[] = [];
  await checkRoles(client, ['anon', 'authenticated', ...args.roles, ...args.users.map((u) => u.claims.role).filter((r): r is string => Boolean(r))]);
  const schemas = await exposedSchemas(client, args);
  const tables = await findTables(client, args, schemas);
  const users = args.users.length ? args.users : [STRANGER];
  if (!args.users.length) notes.push('authenticated: any signed-in user whose claims match no row (no --user given)');
  const extra = await resolveUsers(client, users, notes);
  const userProbes: Probe[] = users.map((user, i) => ({ name: user.label, role: user.claims.role ?? 'authenticated', claims: claimsJson(user, extra[i]) }));
  const anon: Probe = { name: 'anon', role: 'anon', claims: { role: 'anon' } };
  const roleProbes: Probe[] = args.roles.map((role) => ({ name: role, role, claims: { role } }));
  const writeRoles = [...new Set(['anon', 'authenticated', ...args.roles])];

  // The total is what the connecting user sees: all rows only if row level security does not apply to it.
  const { rows: me } = await client.query<{ bypass: boolean }>('select rolsuper or rolbypassrls as bypass from pg_roles where rolname = current_user');
  const filtered = me[0]?.bypass ? [] : await client.query<{ oid: number }>(
    "select c.oid::int as oid from pg_class c where c.oid = any($1::oid[]) and c.relrowsecurity and (c.relforcerowsecurity or not pg_has_role(current_user, c.relowner, 'usage'))",
    [tables.map((t) => t.oid)],
  ).then((r) => new Set(r.rows.map((row) => row.oid)));
  const rows: MatrixRow[] = [];
  for (const table of tables) {
    if (filtered instanceof Set && filtered.has(table.oid)) notes.push(`${table.schema === 'public' ? table.name : `${table.schema}.${table.name}`}: row level security applies to the connecting user too, so total is what it sees, not every row`);
    const from = `${ident(table.schema)}.${ident(table.name)}`;
    const label = table.schema === 'public' ? table.name : `${table.schema}.${table.name}`;
    // A migration may drop a table between the catalog read and its count: say so, and go on.
    const exists = await client.query<{ ok: boolean }>('select to_regclass($1) is not null as ok', [from]);
    if (!exists.rows[0]?.ok) {
      notes.push(`${label}: dropped while the matrix ran`);
      continue;
    }
    const total = await countAs(client, undefined, from, notes, label);
    const anonSees = await countAs(client, anon, from, notes, label);
    const { visible, shared } = await usersSee(client, { ...table, name: label }, from, userProbes, total, notes);
    const roles: Visible[] = [];
    for (const probe of roleProbes) roles.push(await countAs(client, probe, from, notes, label));
    rows.push({
      table: label,
      kind: KINDS[table.relkind] ?? 'table',
      rls: table.rls,
      total,
      anon: anonSees,
      users: visible,
      ...(shared === undefined ? {} : { shared }),
      roles,
      ...(await writers(client, table, writeRoles)),
    });
  }
  return { columns: matrixColumns(args, users), rows, notes };
}
