import { terminalSafe } from './terminal.js';

/** A plain-text table: header, rule, rows; cells squeezed to `maxWidth`, NULL shown as NULL, control characters shown as \xHH. */
export function formatTable(rawColumns: string[], rows: Array<Array<string | null>>, maxWidth = 40): string[] {
  const columns = rawColumns.map((c) => terminalSafe(c.replace(/\s+/g, ' ')));
  const cell = (v: string | null | undefined) => {
    const s = v === null || v === undefined ? 'NULL' : terminalSafe(v.replace(/[\t\n]+/g, ' '));
    return s.length > maxWidth ? `${s.slice(0, maxWidth - 1)}…` : s;
  };
  const body = rows.map((r) => columns.map((_, i) => cell(r[i])));
  const widths = columns.map((c, i) => Math.max(c.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' │ ').trimEnd();
  return [line(columns), widths.map((w) => '─'.repeat(w)).join('─┼─'), ...body.map(line)];
}
