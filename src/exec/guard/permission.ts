// What a verdict means for running: writes need permission, unknown code needs it in a protected
// environment. Kept apart from the judge so callers can decide without loading the parsers' code.

import type { Environment } from '../environment.js';
import type { Tier } from './tiers.js';

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
  /** SQL: for each statement, whether COPY (…) TO STDOUT can wrap it (a plain query). */
  copyable?: boolean[];
  /** A value that cannot be placed safely: the action may not run at all. */
  blocked?: string;
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
