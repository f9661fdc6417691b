// No Supabase stack runs here (FACTS.md), so this stands in for it: an HTTP server that speaks the
// PostgREST and Storage wire protocol for the calls runbook makes, backed by the real test Postgres.
// Requests run as the role in the JWT (SET LOCAL ROLE anon), so row level security is the real thing.

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
  serviceRoleKey: string;
  requests: string[];
  close(): Promise<void>;
}

export async function startSupabaseServer(databaseUrl: string): Promise<FakeSupabase> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  const requests: string[] = [];

  async function asRole<T>(role: string, sql: string, params: unknown[] = []): Promise<T[]> {
    const client = await pool.connect();
    try {
      await client.query('begin');
      await client.query(`set local role ${role}`);
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

  const send = (res: ServerResponse, status: number, body: unknown, type = 'application/json; charset=utf-8') => {
    res.writeHead(status, { 'content-type': type });
    res.end(typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body));
  };

  const signToken = (bucket: string, path: string, exp: number) => createHmac('sha256', JWT_SECRET).update(`${bucket}/${path}/${exp}`).digest('base64url');

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(`${req.method} ${url.pathname}`);
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const role = roleOf(bearer) ?? roleOf(req.headers.apikey as string | undefined);
    const signedGet = req.method === 'GET' && url.pathname.startsWith('/storage/v1/object/sign/');
    if (!role && !signedGet) return send(res, 401, { code: 'PGRST301', message: 'JWSError JWSInvalidSignature', details: null, hint: null });

    if (req.method === 'GET' && url.pathname === '/rest/v1/') {
      const tables = await asRole<{ table_name: string }>('postgres', "select table_name from information_schema.tables where table_schema = 'public' order by 1");
      return send(res, 200, { swagger: '2.0', info: { title: 'PostgREST API' }, paths: Object.fromEntries([['/', {}], ...tables.map((t) => [`/${t.table_name}`, { get: {} }])]) }, 'application/openapi+json; charset=utf-8');
    }
    const rest = /^\/rest\/v1\/([A-Za-z0-9_]+)$/.exec(url.pathname);
    if (req.method === 'GET' && rest) {
      const limit = Number(url.searchParams.get('limit') ?? 1000);
      try {
        const rows = await asRole(role!, `select * from public.${ident(rest[1]!)} limit $1`, [limit]);
        res.setHeader('content-range', rows.length ? `0-${rows.length - 1}/*` : '*/*');
        return send(res, 200, rows);
      } catch (error) {
        const e = error as { code?: string; message: string };
        if (e.code === '42501') return send(res, role === 'anon' ? 401 : 403, { code: '42501', message: e.message, details: null, hint: null });
        if (e.code === '42P01') return send(res, 404, { code: 'PGRST205', message: `Could not find the table 'public.${rest[1]}' in the schema cache`, details: null, hint: null });
        return send(res, 400, { code: e.code, message: e.message, details: null, hint: null });
      }
    }
    if (req.method === 'GET' && url.pathname === '/storage/v1/bucket') {
      if (role !== 'service_role') return send(res, 200, []);
      const buckets = await asRole<{ id: string; name: string; public: boolean }>('service_role', 'select id, name, public from storage.buckets order by name');
      return send(res, 200, buckets.map((b) => ({ ...b, owner: '', created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z' })));
    }
    const sign = /^\/storage\/v1\/object\/sign\/([^/]+)\/(.+)$/.exec(url.pathname);
    if (sign && req.method === 'POST') {
      const [bucket, path] = [sign[1]!, decodeURIComponent(sign[2]!)];
      let body = '';
      for await (const chunk of req) body += chunk;
      const { expiresIn = 60 } = JSON.parse(body || '{}') as { expiresIn?: number };
      const found = await asRole('service_role', 'select 1 from storage.objects where bucket_id = $1 and name = $2', [bucket, path]);
      if (!found.length || role !== 'service_role') return send(res, 400, { statusCode: '404', error: 'not_found', message: 'Object not found' });
      const exp = Math.floor(Date.now() / 1000) + expiresIn;
      return send(res, 200, { signedURL: `/object/sign/${bucket}/${encodeURIComponent(path)}?token=${exp}.${signToken(bucket, path, exp)}` });
    }
    if (sign && req.method === 'GET') {
      const [bucket, path] = [sign[1]!, decodeURIComponent(sign[2]!)];
      const [exp, token] = (url.searchParams.get('token') ?? '').split('.');
      if (!exp || token !== signToken(bucket, path, Number(exp)) || Number(exp) < Date.now() / 1000) return send(res, 400, { statusCode: '403', error: 'InvalidSignature', message: 'invalid signature' });
      const [object] = await asRole<{ content: Buffer }>('service_role', 'select content from storage.objects where bucket_id = $1 and name = $2', [bucket, path]);
      if (!object) return send(res, 400, { statusCode: '404', error: 'not_found', message: 'Object not found' });
      return send(res, 200, object.content, 'application/octet-stream');
    }
    return send(res, 404, { message: `no route for ${req.method} ${url.pathname}` });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => send(res, 500, { message: error.message }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    anonKey: signJwt({ role: 'anon', iss: 'supabase' }),
    serviceRoleKey: signJwt({ role: 'service_role', iss: 'supabase' }),
    requests,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await pool.end();
    },
  };
}
