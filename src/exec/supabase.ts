// The Supabase runner: ```supabase fences hold one verb per line.
//
//   storage buckets                              list buckets with their public flag
//   storage signed-url BUCKET PATH [EXPIRES]     sign a URL for an object, fetch it: status and size
//   rls check [TABLE …]                          read each table (default: every table in public) with
//                                                the anon key; report which return rows
//
// Results go to a JSON-lines evidence file; keys come from the environment and are redacted.

import type { EvidenceRef, EvidenceWriter } from '../session/evidence.js';
import type { Environment } from './environment.js';

export interface SupabaseResult {
  verb: string;
  summary: string[];
  evidence?: EvidenceRef;
  durationMs: number;
  error?: string;
}

export interface SupabaseOptions {
  env: Environment;
  evidence: () => EvidenceWriter;
  signal?: AbortSignal;
}

export const SUPABASE_VERBS = ['storage buckets', 'storage signed-url BUCKET PATH [EXPIRES_SECONDS]', 'rls check [TABLE …]'];

type Client = import('@supabase/supabase-js').SupabaseClient;

async function client(url: string, key: string): Promise<Client> {
  const [{ createClient }, { default: ws }] = await Promise.all([import('@supabase/supabase-js'), import('ws')]);
  // Node 20 has no native WebSocket: supabase-js needs `ws` for its realtime client (FACTS.md).
  return createClient(url, key, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: ws as unknown as typeof WebSocket },
  });
}

class VerbError extends Error {}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined || value === '') throw new VerbError(`${what} is not set for this environment`);
  return value;
}

async function storageBuckets(env: Environment, out: (row: unknown) => void): Promise<string[]> {
  const supabase = await client(need(env.supabase.url, 'SUPABASE_URL'), need(env.supabase.serviceRoleKey ?? env.supabase.anonKey, 'SUPABASE_SERVICE_ROLE_KEY (or SUPABASE_ANON_KEY)'));
  const { data, error } = await supabase.storage.listBuckets();
  if (error) throw new VerbError(`listing buckets failed: ${error.message}`);
  for (const bucket of data) out({ bucket: bucket.name, public: bucket.public });
  return [`${data.length} bucket${data.length === 1 ? '' : 's'}: ${data.map((b) => `${b.name}${b.public ? ' (public)' : ''}`).join(', ')}`];
}

async function signedUrl(env: Environment, args: string[], out: (row: unknown) => void, signal?: AbortSignal): Promise<string[]> {
  const [bucket, path, expires = '60'] = args;
  if (!bucket || !path) throw new VerbError('usage: storage signed-url BUCKET PATH [EXPIRES_SECONDS]');
  const supabase = await client(need(env.supabase.url, 'SUPABASE_URL'), need(env.supabase.serviceRoleKey ?? env.supabase.anonKey, 'SUPABASE_SERVICE_ROLE_KEY'));
  const { data, error } = await supabase.storage.from(bucket).createSignedUrl(path, Number(expires));
  if (error) throw new VerbError(`signing ${bucket}/${path} failed: ${error.message}`);
  const response = await fetch(data.signedUrl, signal ? { signal } : {});
  let size = 0;
  for await (const chunk of response.body ?? []) size += (chunk as Uint8Array).length;
  out({ bucket, path, status: response.status, size, contentType: response.headers.get('content-type') });
  const summary = [`${bucket}/${path}: signed URL answered ${response.status}, ${size} bytes`];
  if (!response.ok) throw Object.assign(new VerbError(summary[0]!), { summary });
  return summary;
}

async function publicTables(url: string, key: string, signal?: AbortSignal): Promise<string[]> {
  // PostgREST describes the exposed schema at its root (OpenAPI): every table and view is a path.
  const response = await fetch(`${url.replace(/\/$/, '')}/rest/v1/`, { headers: { apikey: key, Authorization: `Bearer ${key}` }, ...(signal ? { signal } : {}) });
  if (!response.ok) throw new VerbError(`listing tables failed: PostgREST answered ${response.status}`);
  const spec = (await response.json()) as { paths?: Record<string, unknown> };
  return Object.keys(spec.paths ?? {})
    .filter((p) => p !== '/' && !p.startsWith('/rpc/'))
    .map((p) => p.slice(1))
    .sort();
}

async function rlsCheck(env: Environment, args: string[], out: (row: unknown) => void, signal?: AbortSignal): Promise<string[]> {
  const url = need(env.supabase.url, 'SUPABASE_URL');
  const anonKey = need(env.supabase.anonKey, 'SUPABASE_ANON_KEY');
  const tables = args.length ? args : await publicTables(url, env.supabase.serviceRoleKey ?? anonKey, signal);
  const supabase = await client(url, anonKey);
  const exposed: string[] = [];
  const failed: string[] = [];
  for (const table of tables) {
    const { data, error, status } = await supabase.from(table).select('*').limit(1);
    if (error && status !== 401 && status !== 403) {
      failed.push(table);
      out({ table, status, error: error.message });
    } else {
      const readable = !error && Array.isArray(data) && data.length > 0;
      if (readable) exposed.push(table);
      out({ table, status, exposed: readable });
    }
  }
  const summary = [
    exposed.length ? `${exposed.length} of ${tables.length} tables return rows to anon: ${exposed.join(', ')}` : `none of ${tables.length} tables return rows to anon`,
  ];
  if (failed.length) summary.push(`could not check: ${failed.join(', ')}`);
  return summary;
}

export async function runSupabase(code: string, options: SupabaseOptions): Promise<SupabaseResult> {
  const start = performance.now();
  const lines = code.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const writer = options.evidence();
  const out = (row: unknown) => writer.write(JSON.stringify(row) + '\n');
  const summary: string[] = [];
  let error: string | undefined;
  const verbs: string[] = [];
  for (const line of lines) {
    const words = line.split(/\s+/);
    const verb = words.slice(0, 2).join(' ');
    verbs.push(verb);
    out({ verb: line });
    try {
      if (verb === 'storage buckets') summary.push(...(await storageBuckets(options.env, out)));
      else if (verb === 'storage signed-url') summary.push(...(await signedUrl(options.env, words.slice(2), out, options.signal)));
      else if (verb === 'rls check') summary.push(...(await rlsCheck(options.env, words.slice(2), out, options.signal)));
      else throw new VerbError(`unknown supabase verb "${line}"; known: ${SUPABASE_VERBS.join('; ')}`);
    } catch (caught) {
      const message = caught instanceof VerbError ? caught.message : `${line}: ${(caught as Error).message}`;
      error = message;
      out({ error: message });
      break;
    }
  }
  const evidence = writer.finish();
  return { verb: verbs.join('; '), summary, evidence, durationMs: Math.round(performance.now() - start), ...(error ? { error } : {}) };
}
