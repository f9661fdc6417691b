// The guard: fill first, then judge the code exactly as it will run. A pure function of the
// action, the environment and the values (it reads a psql -f file when one is named); the SQL and
// shell parsers load on the first call, never before.

import type { Action } from '../../runbook/model.js';
import type { Environment } from '../environment.js';
import { fillShell, fillSql, PlaceholderValueError } from './fill.js';
import { judgeShell } from './shellJudge.js';
import { judgeSql } from './sqlJudge.js';
import { WRITE_VERBS, type Tier } from './tiers.js';
import { decidingReasons, highestTier, type Finding } from './verdict.js';

export interface Verdict {
  tier: Tier;
  /** Why, one verb phrase each ("ends the read-only transaction (COMMIT)"); empty for a read. */
  reasons: string[];
  /** The code that will run, values in (SQL) or referenced (shell). Not yet redacted. */
  code: string;
  destructive: boolean;
  /** Shell: the environment variables that carry the placeholder values. */
  vars: Record<string, string>;
  /** SQL: the statements as PostgreSQL's parser split them; the runner sends exactly these. */
  statements?: string[];
  /** A value that cannot be placed safely: the action may not run at all. */
  blocked?: string;
}

export async function judgeAction(action: Action, env: Environment, values: Record<string, string>): Promise<Verdict> {
  try {
    if (action.kind === 'sql') {
      const code = fillSql(action.code, values);
      const { findings, statements } = await judgeSql(code);
      return verdict(findings, code, {}, statements);
    }
    if (action.kind === 'shell') {
      const filled = fillShell(action.code, values);
      const given = Object.fromEntries((action.env ?? []).filter((n) => values[n] !== undefined).map((n) => [n, values[n]!]));
      const findings = await judgeShell(filled.code, { cwd: env.cwd, vars: { ...env.vars, ...given, ...filled.vars } });
      return verdict(findings, filled.code, filled.vars);
    }
    if (action.kind === 'supabase') {
      const verb = action.code.toLowerCase().split(/[\s.()'"]+/).find((w) => WRITE_VERBS.has(w));
      return verdict(verb ? [{ tier: 'write', reason: `calls ${verb}, which changes the project` }] : [], action.code, {});
    }
    return verdict([], action.code, {});
  } catch (error) {
    if (error instanceof PlaceholderValueError) return { tier: 'write', reasons: [error.message], code: action.code, destructive: false, vars: {}, blocked: error.message };
    throw error;
  }
}

function verdict(findings: Finding[], code: string, vars: Record<string, string>, statements?: string[]): Verdict {
  return {
    tier: highestTier(findings),
    reasons: decidingReasons(findings),
    code,
    destructive: findings.some((f) => f.destructive),
    vars,
    ...(statements ? { statements } : {}),
  };
}

/** Writes always need permission; unknown code needs it in a protected environment. */
export function needsPermission(verdict: Verdict, env: Environment): boolean {
  return verdict.tier === 'write' || (verdict.tier === 'unknown' && env.protected);
}

function shortCode(code: string): string {
  const flat = code.replace(/\s+/g, ' ').trim();
  return flat.length > 80 ? `${flat.slice(0, 77)}…` : flat;
}

/** One sentence: what would run and why it may not without permission. */
export function refusalSentence(verdict: Verdict, env: Environment, shownCode: string): string {
  if (verdict.blocked) return verdict.blocked;
  const why = verdict.reasons.join('; ');
  const where = verdict.tier === 'unknown' ? ` and ${env.name} is a protected environment` : '';
  return `\`${shortCode(shownCode)}\` ${why}${where}: it needs explicit permission (runbook exec: --allow-writes)`;
}
