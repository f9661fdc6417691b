// The Supabase runner: ```supabase fences hold one verb per line (quote words with spaces).
//
//   storage buckets                              list buckets with their public flag, saying which key was used
//   storage signed-url BUCKET PATH [EXPIRES]     sign a URL for an object and measure it (one byte asked for)
//   rls check [TABLE …]                          each table as anon: rows / denied / empty; fails when one is exposed
//   rls matrix [TABLE …] [--user CLAIM=VALUE …]  over the database: rows visible to the owner, anon and each user,
//                                                rows shared by users, and who may write
//
// Results go to a JSON-lines evidence file, and each result table to a CSV evidence file. Every call
// carries the action's deadline and cancel. Keys come from the environment and are redacted.

import type { EvidenceRef, EvidenceWriter } from '../session/evidence.js';
import type { Environment } from './environment.js';
import { anySignal, boundFetch } from './supabase/client.js';
import { rlsCheck } from './supabase/rlsCheck.js';
import { rlsMatrixVerb } from './supabase/matrixVerb.js';
import { signedUrl, storageBuckets } from './supabase/storage.js';
import { VerbError, type VerbContext, type VerbResult } from './supabase/verb.js';
import { splitWords, WordsError } from './supabase/words.js';

/** A result table, written as CSV evidence and shown like a query's result. */
export interface SupabaseTable {
  columns: string[];
  /** The first rows, for display. */
  page: Array<Array<string | null>>;
  rowCount: number;
  evidence: EvidenceRef;
}

export interface SupabaseResult {
  verb: string;
  summary: string[];
  evidence?: EvidenceRef;
  tables: SupabaseTable[];
  durationMs: number;
  /** One sentence when the action did not succeed: an error, or a check that found a problem. */
  error?: string;
  cancelled?: boolean;
  timedOut?: boolean;
}

export interface SupabaseOptions {
  env: Environment;
  evidence: () => EvidenceWriter;
  signal?: AbortSignal;
  /** The whole action's time limit; default 60 s. */
  timeoutMs?: number;
}

export const SUPABASE_VERBS = [
  'storage buckets',
  'storage signed-url BUCKET PATH [EXPIRES_SECONDS]',
  'rls check [TABLE …]',
  'rls matrix [TABLE …] [--user CLAIM=VALUE …] [--role ROLE …]',
];

const DEFAULT_TIMEOUT_MS = 60_000;
const PAGE_ROWS = 100;

type Verb = (ctx: VerbContext, args: string[]) => Promise<VerbResult>;
const VERBS: Record<string, Verb> = {
  'storage buckets': storageBuckets,
  'storage signed-url': signedUrl,
  'rls check': rlsCheck,
  'rls matrix': rlsMatrixVerb,
};

function csvField(value: string | null): string {
  if (value === null) return '';
  if (value === '' || /[",\n\r]|^\s|\s$/.test(value)) return `"${value.replace(/"/g, '""')}"`;
  return value;
}

const csvLine = (values: Array<string | null>) => values.map(csvField).join(',') + '\n';

export async function runSupabase(code: string, options: SupabaseOptions): Promise<SupabaseResult> {
  const start = performance.now();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? anySignal([options.signal, deadline]) : deadline;
  const lines = code.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const writer = options.evidence();
  const out = (row: unknown) => writer.write(JSON.stringify(row) + '\n');
  const tables: SupabaseTable[] = [];
  const table = (columns: string[], rows: Array<Array<string | null>>) => {
    const csv = options.evidence();
    csv.write(csvLine(columns));
    for (const row of rows) csv.write(csvLine(row));
    tables.push({ columns, page: rows.slice(0, PAGE_ROWS), rowCount: rows.length, evidence: csv.finish() });
  };
  const ctx: VerbContext = { env: options.env, out, table, fetch: boundFetch(signal), signal, timeoutMs };
  const summary: string[] = [];
  const verbs: string[] = [];
  let error: string | undefined;
  for (const line of lines) {
    out({ verb: line });
    try {
      const words = splitWords(line);
      const verb = words.slice(0, 2).join(' ');
      verbs.push(verb);
      const run = VERBS[verb];
      if (!run) throw new VerbError(`unknown supabase verb "${line}"; known: ${SUPABASE_VERBS.join('; ')}`);
      if (signal.aborted) throw signal.reason;
      const result = await run(ctx, words.slice(2));
      summary.push(...result.summary);
      if (result.problem) {
        error = result.problem;
        out({ problem: result.problem });
        break;
      }
    } catch (caught) {
      error = options.signal?.aborted
        ? 'cancelled by the operator'
        : deadline.aborted
          ? `${line}: no answer within the action's ${Math.round(timeoutMs / 1000)} s timeout`
          : caught instanceof VerbError || caught instanceof WordsError
            ? caught.message
            : `${line}: ${(caught as Error).message}`;
      out({ error });
      break;
    }
  }
  const evidence = writer.finish();
  return {
    verb: verbs.join('; '),
    summary,
    evidence,
    tables,
    durationMs: Math.round(performance.now() - start),
    ...(error ? { error } : {}),
    ...(options.signal?.aborted ? { cancelled: true } : deadline.aborted ? { timedOut: true } : {}),
  };
}
