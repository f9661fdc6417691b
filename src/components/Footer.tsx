import { Box, Text } from 'ink';
import React from 'react';
import type { Binding } from '../state/keys.js';
import { fitFooter, footerEntries } from './layout.js';
import { color } from './theme.js';

/** Lines the footer takes: always one (on a narrow terminal it shows the most important keys and `? help`). */
export function footerHeight(_bindings?: Binding[], _width?: number): number {
  return 1;
}

/** Every screen says what its keys do. */
export function Footer({ bindings, width }: { bindings: Binding[]; width: number }) {
  const entries = fitFooter(footerEntries(bindings), width);
  return (
    <Box width={width} height={1} overflow="hidden">
      <Text wrap="truncate-end">
        {entries.map((e, i) => (
          <Text key={e.keys}>
            {i ? '  ' : ''}
            <Text bold color={color('accent')}>{e.keys}</Text> {e.label}
          </Text>
        ))}
      </Text>
    </Box>
  );
}
