import { Box, Text } from 'ink';
import React from 'react';
import { color } from './theme.js';
import { visibleLine } from './visible.js';

/** The tail of an output that fits the height; `scroll` lines back from the end once it has finished. */
export function OutputPane({ lines, height, width, scroll = 0, title }: { lines: string[]; height: number; width: number; scroll?: number; title?: string }) {
  const rows = Math.max(1, height - (title ? 1 : 0));
  const end = Math.max(0, lines.length - scroll);
  const shown = lines.slice(Math.max(0, end - rows), end);
  return (
    <Box flexDirection="column">
      {title ? <Text color={color('muted')} wrap="truncate-end">{visibleLine(title)}</Text> : null}
      {shown.map((line, i) => (
        <Text key={i} wrap="truncate-end">
          {[...visibleLine(line)].slice(0, width).join('') || ' '}
        </Text>
      ))}
    </Box>
  );
}
