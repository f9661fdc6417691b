import { Box, Text } from 'ink';
import React, { useMemo } from 'react';
import { ListView } from '../components/ListView.js';
import { color } from '../components/theme.js';
import { visibleLine } from '../components/visible.js';
import { describedCount, entryDetails } from '../state/pickerFill.js';
import type { Row } from '../state/rows.js';
import type { RunbookEntry } from '../state/store.js';
import { FilterLine } from './Home.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function Picker(props: { entries: RunbookEntry[]; rows: Row[]; cursor: number; height: number; filter: string; filtering: boolean; onFilter: (v: string) => void; onFilterDone: () => void }) {
  const byFile = useMemo(() => new Map(props.entries.map((e) => [e.file, e])), [props.entries]);
  const read = describedCount(props.entries);
  return (
    <Box flexDirection="column" flexShrink={0}>
      <Text wrap="truncate-end">
        <Text bold>Pick a runbook</Text>
        <Text color={color('muted')}>
          {'  '}
          {plural(props.entries.length, 'runbook')}
          {read < props.entries.length ? ` · reading ${read}/${props.entries.length}` : ''}
        </Text>
      </Text>
      <FilterLine filter={props.filter} filtering={props.filtering} onChange={props.onFilter} onSubmit={props.onFilterDone} />
      <ListView
        items={props.rows}
        cursor={props.cursor}
        height={props.height - 2}
        render={(row) => {
          const entry = byFile.get(row.section.id);
          return (
            <Text wrap="truncate-end">
              <Text bold>{visibleLine(row.section.title)}</Text>
              <Text color={entry?.problem ? color('danger') : color('muted')}>
                {'  '}
                {entry?.problem ? '⚠ ' : ''}
                {visibleLine(entryDetails(entry, row.section.id))}
              </Text>
            </Text>
          );
        }}
      />
    </Box>
  );
}
