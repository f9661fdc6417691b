// Storage verbs. Each says which key it used: with only the anon key, row level security on
// storage.buckets and storage.objects hides what anon may not see, and an empty answer means little.

import { pickKey, supabaseClient, type KeyChoice } from './client.js';
import { need, VerbError, type VerbContext, type VerbResult } from './verb.js';

const ANON_WARNING = 'warning: no SUPABASE_SERVICE_ROLE_KEY, so this used the anon key; row level security on storage hides what anon may not see';
const MAX_EXPIRES_SECONDS = 365 * 24 * 3600;

function key(ctx: VerbContext): KeyChoice {
  const chosen = pickKey(ctx.env.supabase);
  if (!chosen) throw new VerbError('SUPABASE_SERVICE_ROLE_KEY (or SUPABASE_ANON_KEY) is not set for this environment');
  return chosen;
}

const keyWords = (k: KeyChoice) => (k.kind === 'service-role' ? 'the service-role key' : 'the anon key');

export async function storageBuckets(ctx: VerbContext, args: string[]): Promise<VerbResult> {
  if (args.length) throw new VerbError(`storage buckets takes no arguments (got "${args.join(' ')}")`);
  const k = key(ctx);
  const supabase = await supabaseClient(need(ctx.env.supabase.url, 'SUPABASE_URL'), k.key, ctx.fetch);
  const { data, error } = await supabase.storage.listBuckets();
  if (error) throw new VerbError(`listing buckets with ${keyWords(k)} failed: ${error.message}`);
  ctx.out({ key: k.kind });
  for (const bucket of data) ctx.out({ bucket: bucket.name, public: bucket.public });
  const names = data.map((b) => `${b.name}${b.public ? ' (public)' : ''}`).join(', ');
  const summary = [`${data.length} bucket${data.length === 1 ? '' : 's'} visible with ${keyWords(k)}${data.length ? `: ${names}` : ''}`];
  if (k.kind === 'anon') summary.push(ANON_WARNING);
  return { summary };
}

export function parseExpires(text: string | undefined): number {
  if (text === undefined) return 60;
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > MAX_EXPIRES_SECONDS) {
    throw new VerbError(`the expiry "${text}" is not a whole number of seconds between 1 and ${MAX_EXPIRES_SECONDS} (one year)`);
  }
  return Number(text);
}

/** The object's size from a ranged answer (`bytes 0-0/1234`, or `bytes *\/0` for an empty object) or its Content-Length. */
export function sizeFrom(status: number, headers: Headers): number | undefined {
  const total = /\/(\d+)\s*$/.exec(headers.get('content-range') ?? '')?.[1];
  if (total !== undefined) return Number(total);
  const length = headers.get('content-length');
  return status === 200 && length !== null && /^\d+$/.test(length) ? Number(length) : undefined;
}

export async function signedUrl(ctx: VerbContext, args: string[]): Promise<VerbResult> {
  const [bucket, rawPath, expiresText, ...rest] = args;
  if (!bucket || !rawPath || rest.length) throw new VerbError('usage: storage signed-url BUCKET PATH [EXPIRES_SECONDS] (quote a path with spaces)');
  const path = rawPath.replace(/^\/+/, '');
  if (!path || path.endsWith('/')) throw new VerbError(`"${rawPath}" names a folder, not an object`);
  // supabase-js puts the path into URLs as it is and encodes the signed URL with encodeURI, which
  // leaves # and ? alone: such an object cannot be reached through it.
  if (/[#?]/.test(path)) throw new VerbError(`"${path}" holds # or ?, which supabase-js cannot put in a signed URL; rename the object or sign it in the dashboard`);
  const expires = parseExpires(expiresText);
  const k = key(ctx);
  const supabase = await supabaseClient(need(ctx.env.supabase.url, 'SUPABASE_URL'), k.key, ctx.fetch);
  // A literal % must reach Storage as %25, or it would be read as an escape; the signed URL that
  // comes back carries the raw path, which supabase-js encodes itself.
  const { data, error } = await supabase.storage.from(bucket).createSignedUrl(path.replace(/%/g, '%25'), expires);
  if (error) throw new VerbError(`signing ${bucket}/${path} with ${keyWords(k)} failed: ${error.message}`);
  // Measure the object without downloading it: one byte is asked for, and the size read from the answer.
  const response = await ctx.fetch(data.signedUrl, { headers: { Range: 'bytes=0-0' } });
  await response.body?.cancel().catch(() => undefined);
  const ok = response.status === 200 || response.status === 206 || (response.status === 416 && /\*\/0$/.test(response.headers.get('content-range') ?? ''));
  const size = ok ? (response.status === 416 ? 0 : sizeFrom(response.status, response.headers)) : undefined;
  ctx.out({ bucket, path, key: k.kind, expiresIn: expires, status: response.status, size: size ?? null, contentType: response.headers.get('content-type') });
  const summary = [`${bucket}/${path}: signed with ${keyWords(k)} for ${expires} s; the URL answered ${response.status}${ok ? `, ${size === undefined ? 'size unknown' : `${size} bytes`}` : ''}`];
  if (k.kind === 'anon') summary.push(ANON_WARNING);
  if (!ok) return { summary, problem: summary[0]! };
  return { summary };
}
