// The guard: fill first, then judge the code exactly as it will run. A pure function of the
// action, the environment and the values (it reads a psql -f file when one is named); the SQL and
// shell parsers load on the first call, never before.

import type { Action } from '../../runbook/model.js';
import type { Environment } from '../environment.js';
import { arithmeticInjection } from './arithmetic.js';
import { fillShell, fillSql, PlaceholderValueError } from './fill.js';
import { judgeShell } from './shellJudge.js';
import { judgeSql } from './sqlJudge.js';
import type { Verdict } from './permission.js';
import { WRITE_VERBS } from './tiers.js';
import { decidingReasons, highestTier, type Finding } from './verdict.js';

import { findPlaceholderSpans } from '../../runbook/placeholders.js';
export type { Verdict } from './permission.js';

export async function judgeAction(action: Action, env: Environment, values: Record<string, string>): Promise<Verdict> {
  try {
    if (action.kind === 'sql') {
      const code = fillSql(action.code, values);
      const { findings, statements, copyable } = await judgeSql(code);
      return { ...verdict(findings, code, {}, statements), ...(copyable ? { copyable } : {}) };
    }
    if (action.kind === 'shell') {
      const filled = fillShell(action.code, values);
      const given = Object.fromEntries((action.env ?? []).filter((n) => values[n] !== undefined).map((n) => [n, values[n]!]));
      const findings = await judgeShell(filled.code, { cwd: env.cwd, vars: { ...env.vars, ...given, ...filled.vars } });
      // Typed and carried values (the operator's own environment, such as an exported PS1, is theirs).
      const hidden = arithmeticInjection(filled.code, { ...values, ...filled.vars });
      if (hidden) return { ...verdict([...findings, { tier: 'write', reason: hidden }], filled.code, filled.vars), blocked: hidden };
      return verdict(findings, filled.code, filled.vars);
    }
    if (action.kind === 'supabase') {
      const code = fillSupabase(action.code, values);
      return verdict(supabaseFindings(code), code, {});
    }
    return verdict([], action.code, {});
  } catch (error) {
    if (error instanceof PlaceholderValueError) return { tier: 'write', reasons: [error.message], code: action.code, destructive: false, vars: {}, blocked: error.message };
    throw error;
  }
}

/** Supabase fences hold one verb per line (src/exec/supabase.ts); the known ones read. */
const SUPABASE_READ_VERBS = new Set(['storage buckets', 'storage signed-url', 'rls check', 'rls matrix']);

/**
 * A Supabase verb line is split into words as a shell would: each value becomes one single-quoted word
 * (or part of one), so a space, a quote or a newline in it can neither split it nor start another verb.
 */
function fillSupabase(code: string, values: Record<string, string>): string {
  let out = '';
  let at = 0;
  for (const span of findPlaceholderSpans(code)) {
    const value = Object.hasOwn(values, span.name) ? values[span.name]! : undefined;
    if (value === undefined) throw new PlaceholderValueError(`no value for ${span.name}`);
    if (/[\r\n]/.test(value)) throw new PlaceholderValueError(`the value for ${span.name} holds a line break, which a Supabase verb cannot take`);
    out += code.slice(at, span.start) + `'${value.replace(/'/g, `'\\''`)}'`;
    at = span.end;
  }
  return out + code.slice(at);
}

function supabaseFindings(code: string): Finding[] {
  const findings: Finding[] = [];
  for (const line of code.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))) {
    const words = line.toLowerCase().split(/\s+/);
    const verb = words.slice(0, 2).join(' ');
    if (SUPABASE_READ_VERBS.has(verb)) continue;
    const writing = words.slice(0, 2).find((w) => WRITE_VERBS.has(w));
    findings.push(writing ? { tier: 'write', reason: `runs the Supabase verb ${verb}, which changes the project` } : { tier: 'unknown', reason: `runs the Supabase verb ${verb}, which is not known to be read-only` });
  }
  return findings;
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

export { needsPermission, refusalSentence } from './permission.js';
