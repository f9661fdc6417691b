import { Box, Text } from 'ink';
import React from 'react';
import { ellipsis, pad, width as textWidth, wrapLines } from './layout.js';
import { color } from './theme.js';
import { visibleText } from './visible.js';

/** One row as psql's \x shows it: each column's name, then its whole value, wrapped. */
export function recordLines(columns: string[], row: Array<string | null>, width: number): string[] {
  const nameWidth = Math.min(Math.max(...columns.map(textWidth), 4), Math.max(4, Math.floor(width / 3)));
  const valueWidth = Math.max(8, width - nameWidth - 3);
  const lines: string[] = [];
  columns.forEach((name, i) => {
    const value = row[i];
    const wrapped = wrapLines(value === null || value === undefined ? 'NULL' : visibleText(value), valueWidth);
    const label = pad(ellipsis(visibleText(name), nameWidth), nameWidth);
    wrapped.forEach((part, j) => lines.push(`${j ? ' '.repeat(nameWidth) : label} │ ${part}`));
  });
  return lines;
}

export function RecordView({ columns, row, index, count, scroll, height, width }: { columns: string[]; row: Array<string | null>; index: number; count: number; scroll: number; height: number; width: number }) {
  const lines = recordLines(columns, row, width);
  const room = Math.max(1, height - 2);
  const start = Math.max(0, Math.min(scroll, lines.length - room));
  return (
    <Box flexDirection="column" flexShrink={0}>
      <Text bold wrap="truncate-end">-[ RECORD {index + 1} of {count} ]-</Text>
      {lines.slice(start, start + room).map((line, i) => (
        <Text key={start + i} wrap="truncate-end">{line}</Text>
      ))}
      <Text color={color('muted')} wrap="truncate-end">
        {lines.length > room ? `lines ${start + 1}–${Math.min(lines.length, start + room)} of ${lines.length} · ↑↓ scroll · ` : ''}←→ record · Esc back to the table
      </Text>
    </Box>
  );
}
