// What a session is for, from the command line's flags (`--incident`, `--severity`, `--drill`,
// `--title`). The one place both `runbook` (the TUI) and `runbook exec` read them.

import type { Purpose } from './events.js';

export interface PurposeFlags {
  incident?: string;
  severity?: string;
  drill?: boolean;
  title?: string;
}

/** The purpose the flags give, or undefined when they give none (the TUI then asks; exec calls it routine). */
export function purposeFrom(flags: PurposeFlags): Purpose | undefined {
  const title = flags.title ? { title: flags.title } : {};
  if (flags.incident) return { kind: 'incident', id: flags.incident, ...title, ...(flags.severity ? { severity: flags.severity } : {}) };
  if (flags.drill) return { kind: 'drill', ...title };
  if (flags.title) return { kind: 'routine', ...title };
  return undefined;
}
