import { Box, Text } from 'ink';
import React from 'react';
import { ListView } from '../components/ListView.js';
import { ProgressBar } from '../components/ProgressBar.js';
import { ellipsis } from '../components/layout.js';
import { visibleLine } from '../components/visible.js';
import { color } from '../components/theme.js';
import type { Section as SectionModel } from '../runbook/model.js';
import type { Row } from '../state/rows.js';
import type { Note } from '../session/view.js';
import { FilterLine, RowLine } from './Home.js';

export function Section(props: {
  section: SectionModel;
  rows: Row[];
  notes: Note[];
  progress: { finished: number; total: number };
  cursor: number;
  height: number;
  width: number;
  filter: string;
  filtering: boolean;
  onFilter: (v: string) => void;
  onFilterDone: () => void;
}) {
  const barWidth = Math.max(5, Math.min(20, props.width - [...props.section.title].length - 14));
  const lastNote = (stepId: string) => props.notes.filter((n) => n.step === stepId).at(-1)?.text.split('\n')[0];
  return (
    <Box flexDirection="column" flexShrink={0}>
      <Text wrap="truncate-end">
        <Text bold>{ellipsis(visibleLine(props.section.title), Math.max(8, props.width - barWidth - 12))}</Text>
        {'  '}
        <ProgressBar finished={props.progress.finished} total={props.progress.total} width={barWidth} />
      </Text>
      <FilterLine filter={props.filter} filtering={props.filtering} onChange={props.onFilter} onSubmit={props.onFilterDone} />
      {props.rows.length ? (
        <ListView
          items={props.rows}
          cursor={props.cursor}
          height={props.height - 1 - (props.filtering || props.filter ? 1 : 0)}
          render={(row) => (
            <Box>
              <RowLine row={row} width={Math.max(10, props.width - (row.kind === 'step' && lastNote(row.step.id) ? 30 : 2))} />
              {row.kind === 'step' && lastNote(row.step.id) ? <Text color={color('muted')} wrap="truncate-end">  ✎ {visibleLine(lastNote(row.step.id) ?? '')}</Text> : null}
            </Box>
          )}
        />
      ) : (
        <Text color={color('muted')}>{props.filter ? `No step matches "${props.filter}".` : 'No steps here: the sub-sections hold them (Esc, then pick one).'}</Text>
      )}
    </Box>
  );
}
