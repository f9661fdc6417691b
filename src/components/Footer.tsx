import { Box, Text } from 'ink';
import React from 'react';
import type { Binding } from '../state/keys.js';
import { color } from './theme.js';

function entries(bindings: Binding[]): Array<{ keys: string; label: string }> {
  return bindings
    .filter((b) => b.command !== 'down' && b.command !== 'pageDown')
    .map((b) => (b.command === 'up' ? { keys: '↑↓/jk', label: 'move' } : { keys: b.keys, label: b.label }));
}

/** Lines the footer needs at this width: on a narrow terminal it wraps rather than hiding keys. */
export function footerHeight(bindings: Binding[], width: number): number {
  const length = entries(bindings).reduce((n, e, i) => n + (i ? 2 : 0) + e.keys.length + 1 + e.label.length, 0);
  return Math.max(1, Math.ceil(length / Math.max(1, width)));
}

/** Every screen says what its keys do. */
export function Footer({ bindings, width }: { bindings: Binding[]; width: number }) {
  return (
    <Box width={width}>
      <Text wrap="wrap">
        {entries(bindings).map((e, i) => (
          <Text key={e.keys}>
            {i ? '  ' : ''}
            <Text bold color={color('accent')}>{e.keys}</Text> {e.label}
          </Text>
        ))}
      </Text>
    </Box>
  );
}
