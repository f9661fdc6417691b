// A guard's finding about one piece of code, and how findings combine: the highest tier wins.
import type { Tier } from './tiers.js';

export interface Finding {
  tier: Tier;
  /** A verb phrase: "ends the read-only transaction (COMMIT)", "calls nextval(), which changes a sequence". */
  reason: string;
  /** Destroys or empties something (DROP, TRUNCATE, DELETE without WHERE, rm). */
  destructive?: boolean;
}

const RANK: Record<Tier, number> = { read: 0, unknown: 1, write: 2 };

export function highestTier(findings: Finding[]): Tier {
  return findings.reduce<Tier>((tier, f) => (RANK[f.tier] > RANK[tier] ? f.tier : tier), 'read');
}

/** Reasons of the findings that decide the tier (a write's reasons, not the unknowns beside it). */
export function decidingReasons(findings: Finding[]): string[] {
  const tier = highestTier(findings);
  return [...new Set(findings.filter((f) => f.tier === tier && tier !== 'read').map((f) => f.reason))];
}
