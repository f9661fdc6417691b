import { Box, Text } from 'ink';
import React from 'react';
import { color } from '../components/theme.js';
import type { FinishSummary } from '../state/store.js';

export function Finish({ summary }: { summary: FinishSummary }) {
  const minutes = Math.round(summary.durationMs / 60000);
  return (
    // On a short terminal the bottom is cut, so what matters most comes first: sealed, and how to verify.
    <Box flexDirection="column" flexShrink={0}>
      <Text bold color={color('ok')}>Session sealed and signed.</Text>
      <Text>Verify: <Text bold>{summary.verify}</Text></Text>
      <Text>
        Steps: {summary.done} done · {summary.skipped} skipped · {summary.failed} failed · {summary.actions} action{summary.actions === 1 ? '' : 's'} run · {minutes < 1 ? 'under a minute' : `${minutes} min`}
      </Text>
      <Text>Folder: {summary.dir}</Text>
      {summary.reportPath ? <Text color={color('ok')}>Report draft: {summary.reportPath}</Text> : <Text color={color('muted')}>w writes the report draft next to the session.</Text>}
    </Box>
  );
}
