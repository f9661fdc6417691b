import { Box, Text } from 'ink';
import React from 'react';
import { color } from '../components/theme.js';
import { BINDINGS, type ScreenName } from '../state/keys.js';

const TITLES: Partial<Record<ScreenName, string>> = { picker: 'Runbook picker', home: 'Sections', section: 'Checklist', step: 'Step', finish: 'Finished session' };

export function Help() {
  return (
    <Box flexDirection="column" flexShrink={0}>
      <Text bold>runbook: keys</Text>
      <Text color={color('muted')}>Everything you mark, note, run or attach is written to the session log at once; q asks before it ends a session.</Text>
      <Text>On the checklist, d, s and f mark the step under the cursor, then the cursor moves to the next step (↓).</Text>
      <Text>On a step, ↑↓ choose a row of a query result, Enter or v shows it whole, o opens the full output in $PAGER.</Text>
      {(Object.keys(TITLES) as ScreenName[]).map((screen) => (
        <Text key={screen} wrap="wrap">
          <Text bold>{TITLES[screen]}: </Text>
          {BINDINGS[screen].filter((b) => b.command !== 'down').map((b) => `${b.command === 'up' ? '↑↓/jk' : b.keys} ${b.command === 'up' ? 'move' : b.label}`).join(' · ')}
        </Text>
      ))}
    </Box>
  );
}
