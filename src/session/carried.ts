// What a shell action's exports come to in the session: the `variables` event, the values later
// actions get, and the secrets to redact from then on. Pure apart from the redactor it is given.
//
// Decided here, once for exec and the TUI:
//   - a failed, cancelled or timed-out action carries nothing (a half-run `export NS=$(oc get …)` may
//     hold an empty or wrong value); what it exported is still recorded, with the reason;
//   - a secret value (secret-looking name, token-shaped value, or anything the redactor would change)
//     is recorded only as set, added to the known secrets, and carried in this process only;
//   - names that change how later commands run, or that the tool sets, are recorded as not carried;
//   - an unset is recorded only for a variable that was carried.

import { whyNotCarried, type ExportChanges } from '../exec/exports.js';
import type { CarriedEntry, EventFields } from './events.js';
import { looksLikeToken } from './secrets.js';
import { looksSecretName } from './secretName.js';

export { stepAndAction } from './actionLabel.js';

/**
 * What one action may carry in all: its event must stay well under the team store's 1 MiB line limit,
 * and later actions' environments under the kernel's limit for a program's arguments and environment.
 */
export const MAX_CARRIED_PER_ACTION = 256 * 1024;

export interface ExportsOutcome {
  /** The event to record, or undefined when the action exported and unset nothing worth saying. */
  event?: Omit<EventFields['variables'], 'action' | 'run' | 'runbook' | 'section' | 'step'>;
  /** Values that carry, by name (secret ones included: they stay in this process). */
  carried: Record<string, string>;
  /** Carried names the action unset. */
  unset: string[];
  /** Values to add to the known secrets. */
  secrets: string[];
}

export interface ExportsInput {
  /** null: the action's exports could not be read (it set its own EXIT trap, ended with exec, was killed). */
  changes: ExportChanges | null;
  /** ok, or why nothing carries. */
  status: 'ok' | 'failed' | 'refused' | 'cancelled';
  /** The action's own one sentence when it did not succeed. */
  message?: string;
  /** Names carried before this action. */
  carriedNames: Iterable<string>;
  redact: (text: string) => string;
}

/** Whether a value must never be recorded or shown. */
export function isSecretValue(name: string, value: string, redact: (text: string) => string): boolean {
  return looksSecretName(name) || looksLikeToken(value) || redact(value) !== value;
}

export function exportsOutcome(input: ExportsInput): ExportsOutcome {
  const { changes } = input;
  if (!changes) {
    if (input.status !== 'ok') return { carried: {}, unset: [], secrets: [] };
    return { event: { set: [], reason: 'what it exported could not be read (it set its own EXIT trap, or ended with exec)' }, carried: {}, unset: [], secrets: [] };
  }
  const wasCarried = new Set(input.carriedNames);
  const failed = input.status !== 'ok' ? `the action did not succeed (${input.message ?? input.status}): nothing it exported carries` : undefined;
  const set: CarriedEntry[] = [];
  const carried: Record<string, string> = {};
  const secrets: string[] = [];
  let budget = MAX_CARRIED_PER_ACTION;
  for (const [name, value] of Object.entries(changes.set).sort(([a], [b]) => a.localeCompare(b))) {
    const bytes = Buffer.byteLength(name) + Buffer.byteLength(value);
    const overBudget = bytes > budget ? `the action exported more than ${MAX_CARRIED_PER_ACTION / 1024} KiB of values in all; this one is past it` : undefined;
    const notCarried = whyNotCarried(name, value) ?? overBudget;
    if (!notCarried) budget -= bytes;
    const secret = isSecretValue(name, value, input.redact);
    if (secret) secrets.push(value);
    const tooLong = notCarried !== undefined && (overBudget !== undefined || Buffer.byteLength(value) > 1024);
    // A value too long to carry is not written into the log either: its size is in the reason.
    const shown = secret ? { secret: true as const } : tooLong ? {} : { value: input.redact(value) };
    set.push({ name, ...shown, ...(notCarried ? { notCarried } : {}) });
    if (!notCarried && !failed) carried[name] = value;
  }
  const unset = failed ? [] : changes.unset.filter((name) => wasCarried.has(name));
  if (!set.length && !unset.length) return { carried, unset, secrets };
  return { event: { set, ...(unset.length ? { unset } : {}), ...(failed ? { reason: failed } : {}) }, carried, unset, secrets };
}
