import { Box, Text } from 'ink';
import React from 'react';
import { color } from './theme.js';

/** The tail of an output that fits the height; `scroll` lines back from the end once it has finished. */
export function OutputPane({ lines, height, width, scroll = 0, title }: { lines: string[]; height: number; width: number; scroll?: number; title?: string }) {
  const rows = Math.max(1, height - (title ? 1 : 0));
  const end = Math.max(0, lines.length - scroll);
  const shown = lines.slice(Math.max(0, end - rows), end);
  return (
    <Box flexDirection="column">
      {title ? <Text color={color('muted')}>{title}</Text> : null}
      {shown.map((line, i) => (
        <Text key={i} wrap="truncate-end">
          {line.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').slice(0, width) || ' '}
        </Text>
      ))}
    </Box>
  );
}
