// Text from outside (query results, command output, evidence, runbook text) made safe to draw, through
// the one sanitizer (src/format/terminal.ts): colour dropped, every other control shown as `\x1B`.

import { terminalSafe } from '../format/terminal.js';

/** One line of output as it may be drawn: tabs as two spaces, nothing a terminal would act on. */
export function visibleLine(text: string): string {
  return terminalSafe(text.replace(/\t/g, '  ').replace(/\r?\n/g, ' '));
}

/** A value for a table cell: on one line, NULL for null. */
export function cellText(value: string | null | undefined): string {
  if (value === null || value === undefined) return 'NULL';
  return visibleLine(value.replace(/\r\n|\r|\n|\t/g, ' '));
}

/** A whole text (several lines) for a pager or a record view: lines kept, everything else visible. */
export function visibleText(text: string): string {
  return text.split(/\r\n|\n/).map(visibleLine).join('\n');
}
