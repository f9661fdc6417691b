import { Box, Text } from 'ink';
import React from 'react';
import type { Binding } from '../state/keys.js';
import { color } from './theme.js';

/** Every screen says what its keys do. */
export function Footer({ bindings, width }: { bindings: Binding[]; width: number }) {
  const shown = bindings.filter((b) => b.command !== 'down' && b.command !== 'pageDown');
  return (
    <Box width={width}>
      <Text wrap="truncate-end">
        {shown.map((b, i) => (
          <Text key={b.command}>
            {i ? '  ' : ''}
            <Text bold color={color('accent')}>{b.command === 'up' ? '↑↓/jk' : b.keys}</Text> {b.command === 'up' ? 'move' : b.label}
          </Text>
        ))}
      </Text>
    </Box>
  );
}
