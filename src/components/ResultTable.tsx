import { Box, Text } from 'ink';
import React from 'react';
import { visibleWindow } from './ListView.js';
import { ellipsis, pad, width as textWidth } from './layout.js';
import { color } from './theme.js';
import { cellText } from './visible.js';

const SEPARATOR = ' │ ';

/** Lines the table takes: header, rule, and up to `height - 2` rows (one of them "more" when cut). */
export function tableLines(columns: string[], rows: Array<Array<string | null>>, width: number): { widths: number[]; header: string; rule: string; rows: string[]; hidden: number } {
  const cells = rows.map((r) => columns.map((_, i) => cellText(r[i])));
  const natural = columns.map((c, i) => Math.max(textWidth(cellText(c)), ...cells.map((r) => textWidth(r[i]!))));
  const room = width - 2;
  // Each column at least as wide as its header (up to 12) or its content; the columns that do not fit
  // that way are left out on the right, and the line says so (Enter shows the row whole).
  const minimum = natural.map((w, i) => Math.min(w, Math.max(3, Math.min(12, textWidth(cellText(columns[i]!))))));
  const need = (n: number) => minimum.slice(0, n).reduce((a, b) => a + b, 0) + SEPARATOR.length * (n - 1) + (n < columns.length ? SEPARATOR.length + 1 : 0);
  let shown = columns.length;
  while (shown > 1 && need(shown) > room) shown--;
  // The room left goes to the columns whose content wants it, a character each in turn.
  const widths = minimum.slice(0, shown);
  let extra = room - need(shown);
  while (extra > 0) {
    const wanting = widths.flatMap((w, i) => (natural[i]! > w ? [i] : []));
    if (!wanting.length) break;
    for (const i of wanting) {
      if (extra <= 0) break;
      widths[i]!++;
      extra--;
    }
  }
  const hidden = columns.length - shown;
  const line = (values: string[]) => (values.slice(0, shown).map((v, i) => pad(ellipsis(v, widths[i]!), widths[i]!)).join(SEPARATOR) + (hidden ? `${SEPARATOR}…` : '')).trimEnd();
  return { widths, header: line(columns.map(cellText)), rule: widths.map((w) => '─'.repeat(w)).join('─┼─') + (hidden ? '─┼─' : ''), rows: cells.map(line), hidden };
}

/**
 * A query result: columns as wide as their content allows, the selected row marked; Enter or v shows it
 * whole (RecordView).
 */
export function ResultTable({ columns, rows, selected, height, width }: { columns: string[]; rows: Array<Array<string | null>>; selected: number; height: number; width: number }) {
  const table = tableLines(columns, rows, width);
  const room = Math.max(1, height - 2);
  const fits = rows.length <= room - (table.hidden ? 1 : 0);
  const { start, end } = visibleWindow(rows.length, selected, fits ? room : Math.max(1, room - 1));
  return (
    <Box flexDirection="column" flexShrink={0}>
      <Text wrap="truncate-end">  {table.header}</Text>
      <Text wrap="truncate-end" color={color('muted')}>  {table.rule}</Text>
      {table.rows.slice(start, end).map((line, i) => (
        <Text key={start + i} wrap="truncate-end" {...(start + i === selected ? { color: color('accent') } : {})}>
          {start + i === selected ? '❯ ' : '  '}
          {line}
        </Text>
      ))}
      {!fits || table.hidden ? (
        <Text color={color('muted')} wrap="truncate-end">
          {'  '}row {selected + 1} of {rows.length}
          {table.hidden ? ` · ${table.hidden} more column${table.hidden === 1 ? '' : 's'}` : ''} · Enter/v whole row
        </Text>
      ) : null}
    </Box>
  );
}
