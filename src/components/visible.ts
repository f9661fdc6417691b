// Text from outside (query results, command output, evidence) made safe to draw: no escape sequence
// or control character reaches the terminal. A minimal local stand-in until the shared terminal-safety
// sanitizer (src/format/, issue 14) is merged; then this should call it.

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const ESCAPE_SEQUENCE = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[PX^_][^\u001b]*(?:\u001b\\)?|[@-Z\\-_])/g;

/** One line of output as it may be drawn: escape sequences removed, other controls shown as �. */
export function visibleLine(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, '').replace(/\t/g, '  ').replace(CONTROL, '\ufffd');
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
