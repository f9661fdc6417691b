// No Supabase stack runs here (FACTS.md), so this stands in for it: an HTTP server that speaks the
// PostgREST and Storage wire protocol for the calls runbook makes, backed by the real test Postgres.
// It is faithful where a check could be fooled:
// - every request runs as the role in the key's JWT (SET LOCAL ROLE), so grants and row level security
//   are the real thing, for tables, bucket listing and signing alike;
// - the OpenAPI root is refused to anon (Supabase, March 2026) and lists only what the caller may use;
// - HEAD and `Prefer: count=exact` answer with a Content-Range total, as PostgREST does;
// - signed URLs carry the raw object path (supabase-js encodes it), and downloads honour Range.

import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import pg from 'pg';

const JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters';

function b64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

export function signJwt(payload: Record<string, unknown>): string {
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify(payload));
  return `${head}.${body}.${createHmac('sha256', JWT_SECRET).update(`${head}.${body}`).digest('base64url')}`;
}

function roleOf(token: string | undefined): string | undefined {
  const [head, body, signature] = (token ?? '').split('.');
  if (!head || !body || !signature) return undefined;
  const expected = createHmac('sha256', JWT_SECRET).update(`${head}.${body}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const role = (JSON.parse(Buffer.from(body, 'base64url').toString()) as { role?: string }).role;
  return role && ['anon', 'authenticated', 'service_role'].includes(role) ? role : undefined;
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

export interface FakeSupabase {
  url: string;
  anonKey: string;
  authenticatedKey: string;
  serviceRoleKey: string;
  /** `METHOD /path` of every request, in order. */
  requests: string[];
  /** Bytes of object content sent through signed URLs. */
  downloadedBytes: number;
  /** While true, requests are held without an answer (a hung upstream). */
  stall: boolean;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(readonly status: number, readonly body: unknown) {
    super(typeof body === 'object' && body && 'message' in body ? String((body as { message: unknown }).message) : `HTTP ${status}`);
  }
}

export async function startSupabaseServer(databaseUrl: string): Promise<FakeSupabase> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  const held: ServerResponse[] = [];

  async function asRole<T>(role: string, sql: string, params: unknown[] = []): Promise<T[]> {
    const client = await pool.connect();
    try {
      await client.query('begin read only');
      await client.query(`set local role ${ident(role)}`);
      const result = await client.query(sql, params);
      await client.query('commit');
      return result.rows as T[];
    } catch (error) {
      await client.query('rollback');
      throw error;
    } finally {
      client.release();
    }
  }

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body));
  };

  const postgrestError = (error: unknown, role: string, table: string): HttpError => {
    const e = error as { code?: string; message: string };
    if (e.code === '42501') return new HttpError(role === 'anon' ? 401 : 403, { code: '42501', message: e.message, details: null, hint: null });
    if (e.code === '42P01') return new HttpError(404, { code: 'PGRST205', message: `Could not find the table 'public.${table}' in the schema cache`, details: null, hint: null });
    return new HttpError(400, { code: e.code, message: e.message, details: null, hint: null });
  };

  const signToken = (bucket: string, path: string, exp: number) => createHmac('sha256', JWT_SECRET).update(`${bucket}/${path}/${exp}`).digest('base64url');

  async function openApi(role: string) {
    if (role === 'anon') throw new HttpError(401, { code: 'PGRST301', message: 'Access to the schema is restricted to the service role or secret keys', details: null, hint: null });
    // PostgREST lists only what the caller's role may use, and only the columns it may read.
    const columns = await asRole<{ table_name: string; column_name: string }>(
      'postgres',
      `select c.relname as table_name, a.attname as column_name
         from pg_class c join pg_namespace n on n.oid = c.relnamespace join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
        where n.nspname = 'public' and c.relkind in ('r', 'v', 'm', 'p')
          and (has_table_privilege($1, c.oid, 'SELECT, INSERT, UPDATE, DELETE') or has_column_privilege($1, c.oid, a.attnum, 'SELECT'))
        order by c.relname, a.attnum`,
      [role],
    );
    const definitions: Record<string, { properties: Record<string, object> }> = {};
    for (const { table_name, column_name } of columns) (definitions[table_name] ??= { properties: {} }).properties[column_name] = { type: 'string' };
    const paths = Object.fromEntries([['/', {}], ...Object.keys(definitions).map((t) => [`/${t}`, { get: {} }])]);
    return { swagger: '2.0', info: { title: 'PostgREST API' }, paths, definitions };
  }

  async function readTable(req: IncomingMessage, res: ServerResponse, role: string, table: string, url: URL) {
    const select = url.searchParams.get('select') ?? '*';
    const columns = select === '*' ? '*' : select.split(',').map((c) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(c)) throw new HttpError(400, { code: 'PGRST100', message: `failed to parse select parameter (${select})` });
      return ident(c);
    }).join(', ');
    const limit = Number(url.searchParams.get('limit') ?? 1000);
    const wantsCount = /count=exact/.test(String(req.headers.prefer ?? ''));
    const from = `(select ${columns} from public.${ident(table)}) s`;
    let rows: unknown[] = [];
    let total: number | undefined;
    try {
      if (req.method === 'GET') rows = await asRole(role, `select * from ${from} limit $1`, [limit]);
      if (wantsCount) total = Number((await asRole<{ n: string }>(role, `select count(*) as n from ${from}`))[0]!.n);
    } catch (error) {
      throw postgrestError(error, role, table);
    }
    const range = rows.length ? `0-${rows.length - 1}` : '*';
    const headers = { 'content-range': `${range}/${total ?? '*'}` };
    if (req.method === 'HEAD') return send(res, 200, undefined, headers);
    return send(res, 200, rows, headers);
  }

  async function readBody(req: IncomingMessage): Promise<string> {
    let body = '';
    for await (const chunk of req) body += chunk;
    return body;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    fake.requests.push(`${req.method} ${url.pathname}`);
    if (fake.stall) {
      held.push(res);
      return;
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const role = roleOf(bearer) ?? roleOf(req.headers.apikey as string | undefined);
    const signed = /^\/storage\/v1\/object\/sign\/([^/]+)\/(.+)$/.exec(url.pathname);
    if (signed && (req.method === 'GET' || req.method === 'HEAD')) return download(req, res, decodeURIComponent(signed[1]!), decodeURIComponent(signed[2]!), url);
    if (!role) throw new HttpError(401, { code: 'PGRST301', message: 'JWSError JWSInvalidSignature', details: null, hint: null });

    if (req.method === 'GET' && url.pathname === '/rest/v1/') return send(res, 200, await openApi(role), { 'content-type': 'application/openapi+json; charset=utf-8' });
    const rest = /^\/rest\/v1\/([A-Za-z0-9_]+)$/.exec(url.pathname);
    if ((req.method === 'GET' || req.method === 'HEAD') && rest) return readTable(req, res, role, rest[1]!, url);

    if (req.method === 'GET' && url.pathname === '/storage/v1/bucket') {
      // Listed as the key's role: row level security on storage.buckets decides what anon sees.
      const buckets = await asRole<{ id: string; name: string; public: boolean }>(role, 'select id, name, public from storage.buckets order by name');
      return send(res, 200, buckets.map((b) => ({ ...b, owner: '', created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z' })));
    }
    if (signed && req.method === 'POST') {
      const [bucket, path] = [decodeURIComponent(signed[1]!), decodeURIComponent(signed[2]!)];
      const { expiresIn } = JSON.parse((await readBody(req)) || '{}') as { expiresIn?: unknown };
      if (typeof expiresIn !== 'number' || !Number.isInteger(expiresIn) || expiresIn < 1) return send(res, 400, { statusCode: '400', error: 'InvalidRequest', message: 'expiresIn must be a positive integer' });
      const found = await asRole(role, 'select 1 from storage.objects where bucket_id = $1 and name = $2', [bucket, path]);
      if (!found.length) return send(res, 400, { statusCode: '404', error: 'not_found', message: 'Object not found' });
      const exp = Math.floor(Date.now() / 1000) + expiresIn;
      // Real Storage answers with the raw path; supabase-js encodes the whole URL itself.
      return send(res, 200, { signedURL: `/object/sign/${bucket}/${path}?token=${exp}.${signToken(bucket, path, exp)}` });
    }
    return send(res, 404, { message: `no route for ${req.method} ${url.pathname}` });
  }

  async function download(req: IncomingMessage, res: ServerResponse, bucket: string, path: string, url: URL) {
    const [exp, token] = (url.searchParams.get('token') ?? '').split('.');
    if (!exp || token !== signToken(bucket, path, Number(exp)) || Number(exp) < Date.now() / 1000) return send(res, 400, { statusCode: '403', error: 'InvalidSignature', message: 'invalid signature' });
    const [object] = await asRole<{ content: Buffer }>('service_role', 'select content from storage.objects where bucket_id = $1 and name = $2', [bucket, path]);
    if (!object) return send(res, 400, { statusCode: '404', error: 'not_found', message: 'Object not found' });
    const size = object.content.length;
    const range = /^bytes=(\d+)-(\d*)$/.exec(String(req.headers.range ?? ''));
    let status = 200;
    let body = object.content;
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
    if (range) {
      const first = Number(range[1]);
      const last = Math.min(range[2] ? Number(range[2]) : size - 1, size - 1);
      if (first >= size) return send(res, 416, undefined, { 'content-range': `bytes */${size}` });
      status = 206;
      body = object.content.subarray(first, last + 1);
      headers['content-range'] = `bytes ${first}-${last}/${size}`;
    }
    headers['content-length'] = String(body.length);
    if (req.method === 'HEAD') return send(res, status, undefined, headers);
    fake.downloadedBytes += body.length;
    return send(res, status, body, headers);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => (error instanceof HttpError ? send(res, error.status, error.body) : send(res, 500, { message: error.message })));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const fake: FakeSupabase = {
    url: `http://127.0.0.1:${port}`,
    anonKey: signJwt({ role: 'anon', iss: 'supabase' }),
    authenticatedKey: signJwt({ role: 'authenticated', iss: 'supabase', sub: '00000000-0000-0000-0000-000000000001' }),
    serviceRoleKey: signJwt({ role: 'service_role', iss: 'supabase' }),
    requests: [],
    downloadedBytes: 0,
    stall: false,
    close: async () => {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await pool.end();
    },
  };
  return fake;
}
