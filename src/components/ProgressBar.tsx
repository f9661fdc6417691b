import { Text } from 'ink';
import React from 'react';
import { color } from './theme.js';

export function ProgressBar({ finished, total, width = 20 }: { finished: number; total: number; width?: number }) {
  const filled = total ? Math.round((finished / total) * width) : 0;
  return (
    <Text>
      <Text color={color('ok')}>{'█'.repeat(filled)}</Text>
      <Text color={color('muted')}>{'░'.repeat(width - filled)}</Text> {finished}/{total}
    </Text>
  );
}
