// What every Supabase verb gets and gives back.

import type { Environment } from '../environment.js';

export class VerbError extends Error {}

export interface VerbContext {
  env: Environment;
  /** A row of the action's JSON-lines evidence. */
  out: (row: unknown) => void;
  /** A result table: written to its own CSV evidence and shown like a query's result. */
  table: (columns: string[], rows: Array<Array<string | null>>) => void;
  /** fetch bound to the action's deadline and cancel. */
  fetch: typeof fetch;
  signal: AbortSignal;
  timeoutMs: number;
}

export interface VerbResult {
  summary: string[];
  /** The check found something wrong (an exposed table): the action fails with this sentence. */
  problem?: string;
}

export function need<T>(value: T | undefined, what: string): T {
  if (value === undefined || value === '') throw new VerbError(`${what} is not set for this environment`);
  return value;
}
