import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import React, { useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { ellipsis, wrapLines } from '../components/layout.js';
import { OutputPane } from '../components/OutputPane.js';
import { RecordView, recordLines } from '../components/RecordView.js';
import { ResultTable } from '../components/ResultTable.js';
import { STATE_MARK, color, stateColor } from '../components/theme.js';
import { LAYER, useKeys, type Key } from '../components/useKeys.js';
import { visibleLine, visibleText } from '../components/visible.js';
import type { Section, Step as StepModel } from '../runbook/model.js';
import type { ActionResult, RunningAction } from '../state/store.js';
import type { ValueOrigin } from '../state/valueOrigins.js';
import type { ActionRun, Note, StepState } from '../session/view.js';
import { readEvidence, recordedTable, runEvidence, type RecordedTable } from '../terminal/evidence.js';
import { showInPager } from '../terminal/pager.js';

function Elapsed({ since }: { since: number }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, []);
  return <Text>{(Math.max(0, now - since) / 1000).toFixed(1)} s</Text>;
}

function ResultHead({ result }: { result: ActionResult }) {
  const ok = result.status === 'ok';
  return (
    <Text color={ok ? color('ok') : color('danger')} wrap="truncate-end">
      {ok ? '✓' : '✗'} {result.status}
      {result.rowCount !== undefined ? ` · ${result.rowCount} row${result.rowCount === 1 ? '' : 's'}` : ''}
      {result.durationMs !== undefined ? ` · ${result.durationMs} ms` : ''}
      {result.message ? ` · ${result.message}` : ''}
    </Text>
  );
}

function RecordedRun({ run }: { run: ActionRun }) {
  const tone = run.status === 'ok' ? color('ok') : run.status === 'interrupted' || run.status === 'cancelled' ? color('warn') : color('danger');
  return (
    <Text color={tone} wrap="truncate-end">
      last run ({run.startedAt.slice(11, 19)} UTC): {run.status}
      {run.rows !== undefined ? ` · ${run.rows} rows` : ''}
      {run.exitCode !== undefined ? ` · exit ${run.exitCode}` : ''}
      {run.error ? ` · ${run.error}` : ''}
      {run.status === 'interrupted' ? ' · the session stopped while it ran; r runs it again' : ''}
    </Text>
  );
}

function StatusLine(props: { state: StepState; section: Section; number: string; reason?: string; width: number }) {
  return (
    <Text wrap="truncate-end">
      <Text color={stateColor(props.state)}>{STATE_MARK[props.state]} {props.state}</Text>
      <Text color={color('muted')}>  {ellipsis(visibleLine(props.section.title), Math.max(6, props.width - props.state.length - props.number.length - 16))} › step {props.number}{props.reason ? ` · ${props.reason}` : ''}</Text>
    </Text>
  );
}

export interface StepProps {
  section: Section;
  step: StepModel;
  number: string;
  state: StepState;
  reason?: string;
  notes: Note[];
  values: Record<string, string>;
  /** Where each value the step's actions need comes from (valueOrigins.ts); when given, it decides what is still needed. */
  origins?: ValueOrigin[];
  running?: RunningAction;
  results: Record<string, ActionResult>;
  /** Runs recorded in the session log, for what happened before this screen (after a resume). */
  runs: ActionRun[];
  /** The session's folder, to read recorded results and evidence from. */
  sessionDir?: string;
  scroll: number;
  height: number;
  width: number;
  /** Says something on the message line (the pager could not start …). */
  onMessage?: (text: string, tone?: 'info' | 'error' | 'ok') => void;
}

/**
 * One step: what to do, its actions, and the last result. A query result is a table with a selected
 * row (↑↓); Enter or v shows that row whole; o opens the full output in $PAGER.
 */
export function Step(props: StepProps) {
  const { step, width } = props;
  const notes = props.notes.filter((n) => n.step === step.id);
  const liveResult = step.actions.map((_, i) => props.results[`${step.id}#${i + 1}`]).filter(Boolean).at(-1);
  const lastRun = props.runs.at(-1);
  // After a resume there is no live result: the table comes back from the evidence it left.
  const recorded = useMemo<RecordedTable | undefined>(
    () => (!liveResult && lastRun && props.sessionDir ? recordedTable(props.sessionDir, lastRun) : undefined),
    [liveResult, lastRun, props.sessionDir],
  );
  const table = useMemo<RecordedTable | undefined>(
    () => (liveResult?.columns?.length ? { columns: liveResult.columns, rows: liveResult.page ?? [], rowCount: liveResult.rowCount ?? 0 } : recorded),
    [liveResult, recorded],
  );

  // Selection and record view live in refs: each key of one read sees the one before it.
  const [, redraw] = useReducer((n: number) => n + 1, 0);
  const view = useRef({ table: undefined as typeof table, selected: 0, record: false, recordScroll: 0 });
  if (view.current.table !== table) view.current = { table, selected: 0, record: false, recordScroll: 0 };

  const pager = () => {
    const run = liveResult ? props.runs.find((r) => r.action === liveResult.actionId && r.status !== 'refused') ?? lastRun : lastRun;
    const refs = run ? runEvidence(run) : [];
    if (!refs.length || !props.sessionDir) {
      const lines = liveResult?.lines ?? [];
      if (!lines.length) return props.onMessage?.('No output to show in the pager.');
      return void report(showInPager(lines.join('\n'), { title: step.id }));
    }
    const parts = refs.map((ref) => readEvidence(props.sessionDir!, ref));
    const text = parts.map((p) => p.text).join('\n') + (parts.some((p) => p.truncated) ? '\n[cut: the evidence file is larger; it is whole in the session folder]\n' : '');
    report(showInPager(text, { title: step.id }));
  };
  const report = (error: string | undefined) => {
    if (error) props.onMessage?.(error, 'error');
    // The pager had the terminal: draw the whole frame again.
    process.stdout.emit('resize');
  };

  useKeys(
    (key: Key) => {
      const v = view.current;
      const rows = v.table?.rows ?? [];
      if (key.input === 'o') return pager();
      if (!rows.length) return false;
      const step = (delta: number) => {
        v.selected = Math.max(0, Math.min(rows.length - 1, v.selected + delta));
        v.recordScroll = 0;
      };
      if (v.record) {
        if (key.escape || key.return || key.input === 'v' || key.input === 'q') v.record = false;
        else if (key.upArrow || key.input === 'k') v.recordScroll = Math.max(0, v.recordScroll - 1);
        else if (key.downArrow || key.input === 'j') v.recordScroll += 1;
        else if (key.pageUp) v.recordScroll = Math.max(0, v.recordScroll - 10);
        else if (key.pageDown || key.input === ' ') v.recordScroll += 10;
        else if (key.leftArrow || key.input === 'h') step(-1);
        else if (key.rightArrow || key.input === 'l') step(1);
        else return false;
        const lines = recordLines(v.table!.columns, rows[v.selected]!, width).length;
        v.recordScroll = Math.min(v.recordScroll, Math.max(0, lines - 1));
      } else if (key.upArrow || key.input === 'k') step(-1);
      else if (key.downArrow || key.input === 'j') step(1);
      else if (key.pageUp || key.input === '[') step(-10);
      else if (key.pageDown || key.input === ']') step(10);
      else if (key.home) step(-rows.length);
      else if (key.end) step(rows.length);
      else if (key.return || key.input === 'v') v.record = true;
      else return false;
      redraw();
    },
    { layer: LAYER.overlay },
  );

  // Heights: the status line always; the result gets the most; the text what is left, up to 4 lines.
  const actionLines = Math.min(step.actions.length, 3) + (step.actions.length > 3 ? 1 : 0);
  const missing = props.origins ? props.origins.filter((o) => !o.text).map((o) => o.name) : step.actions.flatMap((a) => a.placeholders.filter((p) => props.values[p] === undefined));
  const known = (props.origins ?? []).flatMap((o) => (o.text ? [o.text] : []));
  const noteLines = Math.min(notes.length, props.height >= 16 ? 2 : 1);
  const hasResult = Boolean(props.running || liveResult || lastRun);
  const gap = hasResult && props.height >= 16 ? 1 : 0;
  const fixed = 1 + Math.max(1, actionLines) + (missing.length ? 1 : 0) + (known.length ? 1 : 0) + noteLines + (step.steps.length && props.height >= 16 ? 1 : 0) + gap;
  const wrapped = wrapLines(visibleText(step.text), width);
  const reference = step.reference ?? [];
  const referenceLines = reference.flatMap((r) => [`─ ${visibleLine(r.lang || 'text')} (reference, not run) ─`, ...r.code.split('\n').map(visibleLine)]);
  const wantResult = hasResult ? Math.max(3, table ? Math.min(table.rows.length, 8) + 3 : 6) : 0;
  const textRoom = Math.max(1, Math.min(4, props.height - fixed - wantResult));
  // Text that does not fit ends in an ellipsis on its last shown line.
  const shownText = wrapped.length > textRoom ? [...wrapped.slice(0, textRoom - 1), `${wrapped[textRoom - 1]!.slice(0, Math.max(0, width - 2))} …`] : wrapped;
  const refRoom = hasResult ? 0 : Math.max(0, props.height - fixed - shownText.length);
  const paneHeight = Math.max(1, props.height - fixed - shownText.length);

  let pane: React.ReactNode = null;
  if (props.running) {
    pane = (
      <>
        <Text color={color('warn')} wrap="truncate-end">
          <Spinner type="dots" /> running {props.running.kind} · <Elapsed since={props.running.startedAt} /> · x or Ctrl-C cancels
        </Text>
        <OutputPane lines={props.running.tail.last(paneHeight)} height={paneHeight - 1} width={width} />
      </>
    );
  } else if (table && view.current.record && table.rows[view.current.selected]) {
    // Reading one row: it gets the whole screen below the step's status line.
    return (
      <Box flexDirection="column" flexShrink={0}>
        <StatusLine {...props} />
        <RecordView columns={table.columns} row={table.rows[view.current.selected]!} index={view.current.selected} count={table.rows.length} scroll={view.current.recordScroll} height={props.height - 1} width={width} />
      </Box>
    );
  } else if (liveResult || recorded) {
    const more = table ? table.rowCount - table.rows.length : 0;
    pane = (
      <>
        {liveResult ? <ResultHead result={liveResult} /> : lastRun ? <RecordedRun run={lastRun} /> : null}
        {liveResult?.summary?.map((line, i) => <Text key={`s${i}`} wrap="truncate-end">{line}</Text>)}
        {table ? (
          <ResultTable columns={table.columns} rows={table.rows} selected={view.current.selected} height={paneHeight - 1 - (more > 0 ? 1 : 0)} width={width} />
        ) : (
          <OutputPane lines={liveResult?.lines ?? []} height={paneHeight - 1} width={width} scroll={props.scroll} />
        )}
        {more > 0 ? <Text color={color('muted')} wrap="truncate-end">{more} more rows in the evidence file · o shows them all</Text> : null}
      </>
    );
  } else if (lastRun) pane = <RecordedRun run={lastRun} />;

  return (
    <Box flexDirection="column" flexShrink={0}>
      <StatusLine {...props} />
      {shownText.map((line, i) => (
        <Text key={i} bold={i === 0} wrap="truncate-end">{line || ' '}</Text>
      ))}
      {step.steps.length && props.height >= 16 ? <Text color={color('muted')} wrap="truncate-end">{step.steps.length} sub-step{step.steps.length > 1 ? 's' : ''} (Esc to the checklist)</Text> : null}
      {step.actions.length ? (
        <>
          {step.actions.slice(0, 3).map((action, i) => (
            <Text key={i} wrap="truncate-end">
              <Text color={color('accent')}>{i + 1}. [{action.kind}] </Text>
              {visibleLine(action.code.split('\n')[0] ?? '')}
              {action.code.includes('\n') ? <Text color={color('muted')}> …</Text> : null}
            </Text>
          ))}
          {step.actions.length > 3 ? <Text color={color('muted')}>… {step.actions.length - 3} more actions (r asks which)</Text> : null}
          {known.length ? <Text color={color('muted')} wrap="truncate-end">   values: {visibleLine(known.join(' · '))}</Text> : null}
          {missing.length ? <Text color={color('warn')} wrap="truncate-end">   needs: {[...new Set(missing)].join(', ')} (asked when you press r)</Text> : null}
        </>
      ) : (
        <Text color={color('muted')} wrap="truncate-end">No command or query: do it by hand, then d (done), s (skip) or f (failed); n adds a note, a attaches evidence.</Text>
      )}
      {notes.slice(-2).map((n) => (
        <Text key={n.seq} color={color('info')} wrap="truncate-end">✎ {visibleLine(n.text.split('\n')[0] ?? '')}</Text>
      ))}
      {refRoom > 1 && referenceLines.length
        ? referenceLines.slice(0, refRoom).map((line, i) => (
            <Text key={`r${i}`} color={color('muted')} wrap="truncate-end">{line || ' '}</Text>
          ))
        : null}
      {pane ? (
        <Box marginTop={gap} flexDirection="column" flexShrink={0}>
          {pane}
        </Box>
      ) : null}
    </Box>
  );
}
