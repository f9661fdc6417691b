import { Box, Text } from 'ink';
import React from 'react';
import { terminalSafe } from '../format/terminal.js';
import { ListView } from '../components/ListView.js';
import { color } from '../components/theme.js';
import type { Row } from '../state/rows.js';
import type { RunbookEntry } from '../state/store.js';
import { FilterLine } from './Home.js';

export function Picker(props: { entries: RunbookEntry[]; rows: Row[]; cursor: number; height: number; filter: string; filtering: boolean; onFilter: (v: string) => void; onFilterDone: () => void }) {
  return (
    <Box flexDirection="column" flexShrink={0}>
      <Text bold>Pick a runbook</Text>
      <FilterLine filter={props.filter} filtering={props.filtering} onChange={props.onFilter} onSubmit={props.onFilterDone} />
      <ListView
        items={props.rows}
        cursor={props.cursor}
        height={props.height - 2}
        render={(row) => (
          <Text wrap="truncate-end">
            <Text bold>{terminalSafe(row.section.title)}</Text>
            <Text color={color('muted')}>
              {'  '}{row.section.id} · {row.kind === 'section' ? row.total : 0} sections · last session{' '}
              {props.entries.find((e) => e.file === row.section.id)?.lastSession?.slice(0, 16).replace('T', ' ') ?? 'never'}
            </Text>
          </Text>
        )}
      />
    </Box>
  );
}
