// What the Step screen's result pane shows of an action's outcome. Pure.

import type { ActionOutcome } from '../exec/run.js';
import type { ActionResult } from './types.js';

export function resultPane(actionId: string, outcome: ActionOutcome, lines: string[]): ActionResult {
  const statement = outcome.sql?.statements.findLast((s) => s.columns.length) ?? outcome.sql?.statements.at(-1);
  return {
    actionId,
    status: outcome.status,
    code: outcome.code,
    lines,
    ...(outcome.message ? { message: outcome.message } : {}),
    ...(statement ? { columns: statement.columns, page: statement.page, rowCount: statement.rowCount } : {}),
    ...(outcome.shell ? { durationMs: outcome.shell.durationMs } : outcome.sql ? { durationMs: outcome.sql.durationMs } : {}),
    ...(outcome.supabase ? { summary: outcome.supabase.summary } : {}),
  };
}
