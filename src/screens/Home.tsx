import { Box, Text } from 'ink';
import React from 'react';
import { ListView } from '../components/ListView.js';
import { STATE_MARK, color, stateColor } from '../components/theme.js';
import { visibleLine } from '../components/visible.js';
import type { Row } from '../state/rows.js';

/** The filter as typed; the screens' key handler edits it (src/components/screenKeys.ts). */
export function FilterLine({ filter, filtering }: { filter: string; filtering: boolean; onChange?: (v: string) => void; onSubmit?: () => void }) {
  if (!filtering && !filter) return null;
  return (
    <Box>
      <Text color={color('accent')}>/ </Text>
      <Text wrap="truncate-end">
        {filter}
        {filtering ? <Text inverse> </Text> : null}
        {filtering && !filter ? <Text color={color('muted')}>type to filter sections and steps</Text> : null}
        {filtering ? <Text color={color('muted')}>  Enter keep · Esc clear</Text> : null}
      </Text>
    </Box>
  );
}

export function RowLine({ row, width, showProgress = true }: { row: Row; width: number; showProgress?: boolean }) {
  const indent = '  '.repeat(row.depth);
  if (row.kind === 'section') {
    const count = row.total ? `${row.finished}/${row.total} steps` : 'no steps';
    return (
      <Text wrap="truncate-end">
        {indent}
        <Text bold>{visibleLine(row.section.title)}</Text>
        {showProgress ? <Text color={row.total && row.finished === row.total ? color('ok') : color('muted')}>  {count}</Text> : null}
      </Text>
    );
  }
  const text = visibleLine(row.step.text.split('\n')[0] ?? '');
  const kinds = [...new Set(row.step.actions.map((a) => a.kind))];
  return (
    <Text wrap="truncate-end">
      {indent}
      <Text color={stateColor(row.state)}>{STATE_MARK[row.state]} </Text>
      <Text color={color('muted')}>{row.number}. </Text>
      {text.slice(0, width)}
      {kinds.length ? <Text color={color('accent')}>  [{kinds.join(',')}]</Text> : null}
    </Text>
  );
}

export function Home(props: { rows: Row[]; cursor: number; height: number; width: number; filter: string; filtering: boolean; onFilter: (v: string) => void; onFilterDone: () => void }) {
  const filterShown = props.filtering || props.filter;
  return (
    <Box flexDirection="column" flexShrink={0}>
      <FilterLine filter={props.filter} filtering={props.filtering} onChange={props.onFilter} onSubmit={props.onFilterDone} />
      {props.rows.length ? (
        <ListView items={props.rows} cursor={props.cursor} height={props.height - (filterShown ? 1 : 0)} render={(row) => <RowLine row={row} width={props.width} />} />
      ) : (
        <Text color={color('muted')}>{props.filter ? `Nothing matches "${props.filter}". Esc clears the filter.` : 'This runbook has no sections.'}</Text>
      )}
    </Box>
  );
}
