// The `rls matrix` verb: runs the matrix over the environment's database and turns it into a result
// table (CSV evidence, shown like a query's) and a few sentences that say what it means.

import { formatTable } from '../../format/table.js';
import { MatrixError, matrixCells, rlsMatrix, type MatrixResult } from './matrix.js';
import { MatrixUsageError, parseMatrixArgs } from './matrixArgs.js';
import { VerbError, type VerbContext, type VerbResult } from './verb.js';

const SHOWN_ROWS = 50;

export function describeMatrix(result: MatrixResult): string[] {
  const lines: string[] = [];
  const anon = result.rows.filter((r) => typeof r.anon === 'number' && r.anon > 0);
  lines.push(anon.length ? `anon reads rows of ${anon.map((r) => `${r.table} (${r.anon} of ${r.total})`).join(', ')}` : 'anon reads no rows');
  const shared = result.rows.filter((r) => (r.shared ?? 0) > 0);
  if (shared.length) lines.push(`rows seen by two or more of the users: ${shared.map((r) => `${r.table} (${r.shared})`).join(', ')}`);
  const anonWrites = result.rows.filter((r) => [r.insert, r.update, r.delete].some((w) => /(^|, )anon\b/.test(w)));
  if (anonWrites.length) lines.push(`anon may write to ${anonWrites.map((r) => r.table).join(', ')}`);
  for (const note of result.notes) lines.push(`note: ${note}`);
  return lines;
}

export async function rlsMatrixVerb(ctx: VerbContext, words: string[]): Promise<VerbResult> {
  let args;
  try {
    args = parseMatrixArgs(words);
  } catch (error) {
    if (error instanceof MatrixUsageError) throw new VerbError(error.message);
    throw error;
  }
  const database = ctx.env.database;
  if (!database) throw new VerbError(`rls matrix reads the database, and no database is configured for ${ctx.env.name}: set DATABASE_URL (or databaseUrl in runbook.config.json)`);
  let result: MatrixResult;
  try {
    result = await rlsMatrix(database, args, { timeoutMs: ctx.timeoutMs, signal: ctx.signal });
  } catch (error) {
    if (error instanceof MatrixError) throw new VerbError(`rls matrix: ${error.message}`);
    throw error;
  }
  const rows = result.rows.map(matrixCells);
  // An empty cell (nobody may write, nothing to compare) is an empty CSV field, not a quoted "".
  ctx.table(result.columns, rows.map((row) => row.map((cell) => (cell === '' ? null : cell))));
  ctx.out({ matrix: result.columns, rows: result.rows.length });
  const shown = formatTable(result.columns, rows.slice(0, SHOWN_ROWS), 32);
  if (rows.length > SHOWN_ROWS) shown.push(`… ${rows.length - SHOWN_ROWS} more tables in the evidence file`);
  return { summary: [...shown, ...describeMatrix(result)] };
}
