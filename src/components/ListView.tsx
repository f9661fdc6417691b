import { Box, Text } from 'ink';
import React from 'react';
import { color } from './theme.js';

/** Only the rows that fit are rendered, the cursor kept in view: hundreds of steps scroll smoothly. */
export function visibleWindow(count: number, cursor: number, height: number): { start: number; end: number } {
  if (count <= height) return { start: 0, end: count };
  const start = Math.max(0, Math.min(count - height, cursor - Math.floor(height / 2)));
  return { start, end: start + height };
}

export function ListView<T>({ items, cursor, height, render }: { items: T[]; cursor: number; height: number; render: (item: T, selected: boolean) => React.ReactNode }) {
  // When the list does not fit, one line says how many more there are: it counts against the height.
  const rows = items.length > height ? Math.max(1, height - 1) : Math.max(1, height);
  const { start, end } = visibleWindow(items.length, cursor, rows);
  return (
    <Box flexDirection="column">
      {items.slice(start, end).map((item, i) => (
        <Box key={start + i} flexShrink={0}>
          {/* A long row is truncated; the cursor mark must not be the part that shrinks. */}
          <Box flexShrink={0} width={2}>
            <Text color={color('accent')}>{start + i === cursor ? '❯' : ' '}</Text>
          </Box>
          {render(item, start + i === cursor)}
        </Box>
      ))}
      {end < items.length ? <Text color={color('muted')}>  … {items.length - end} more</Text> : null}
    </Box>
  );
}
