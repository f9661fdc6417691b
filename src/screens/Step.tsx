import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import React, { useEffect, useState } from 'react';
import { terminalSafe } from '../format/terminal.js';
import { OutputPane } from '../components/OutputPane.js';
import { STATE_MARK, color, stateColor } from '../components/theme.js';
import { formatTable } from '../format/table.js';
import type { Section, Step as StepModel } from '../runbook/model.js';
import type { ActionResult, RunningAction } from '../state/store.js';
import type { ActionRun, Note, StepState } from '../session/view.js';

function Elapsed({ since }: { since: number }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, []);
  return <Text>{((now - since) / 1000).toFixed(1)} s</Text>;
}

function ResultView({ result, height, width, scroll }: { result: ActionResult; height: number; width: number; scroll: number }) {
  const ok = result.status === 'ok';
  const head = (
    <Text color={ok ? color('ok') : color('danger')} wrap="wrap">
      {ok ? '✓' : '✗'} {result.status}
      {result.rowCount !== undefined ? ` · ${result.rowCount} row${result.rowCount === 1 ? '' : 's'}` : ''}
      {result.durationMs !== undefined ? ` · ${result.durationMs} ms` : ''}
      {result.message ? ` · ${terminalSafe(result.message)}` : ''}
    </Text>
  );
  if (result.columns?.length) {
    const lines = formatTable(result.columns, result.page ?? [], Math.max(8, Math.floor(width / Math.max(1, result.columns.length)) - 3));
    const body = lines.slice(0, 2).concat(lines.slice(2 + scroll, 2 + scroll + Math.max(1, height - 4)));
    const more = (result.rowCount ?? 0) - (result.page?.length ?? 0);
    return (
      <Box flexDirection="column">
        {head}
        {body.map((line, i) => (
          <Text key={i} wrap="truncate-end">{line}</Text>
        ))}
        {more > 0 ? <Text color={color('muted')}>{more} more rows in the evidence file</Text> : null}
      </Box>
    );
  }
  return (
    <Box flexDirection="column">
      {head}
      {result.summary?.map((line, i) => <Text key={`s${i}`}>{terminalSafe(line)}</Text>)}
      <OutputPane lines={result.lines} height={height - 1} width={width} scroll={scroll} />
    </Box>
  );
}

function RecordedRun({ run }: { run: ActionRun }) {
  const tone = run.status === 'ok' ? color('ok') : run.status === 'interrupted' || run.status === 'cancelled' ? color('warn') : color('danger');
  return (
    <Text color={tone} wrap="wrap">
      last run ({run.startedAt.slice(11, 19)} UTC): {run.status}
      {run.rows !== undefined ? ` · ${run.rows} rows` : ''}
      {run.exitCode !== undefined ? ` · exit ${run.exitCode}` : ''}
      {run.error ? ` · ${terminalSafe(run.error)}` : ''}
      {run.status === 'interrupted' ? ' · the session stopped while it ran; r runs it again' : ''}
    </Text>
  );
}

export function Step(props: {
  section: Section;
  step: StepModel;
  number: string;
  state: StepState;
  reason?: string;
  notes: Note[];
  values: Record<string, string>;
  running?: RunningAction;
  results: Record<string, ActionResult>;
  /** Runs recorded in the session log, for what happened before this screen (after a resume). */
  runs: ActionRun[];
  scroll: number;
  height: number;
  width: number;
}) {
  const { step } = props;
  const textLines = step.text.split('\n');
  const shownText = textLines.slice(0, 4);
  const notes = props.notes.filter((n) => n.step === step.id);
  const lastResult = step.actions.map((_, i) => props.results[`${step.id}#${i + 1}`]).filter(Boolean).at(-1);
  const used = 2 + shownText.length + step.actions.length * 2 + Math.min(notes.length, 2) + (step.steps.length ? 1 : 0);
  const paneHeight = Math.max(3, props.height - used);
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text color={stateColor(props.state)}>{STATE_MARK[props.state]} {props.state}</Text>
        <Text color={color('muted')}>  {terminalSafe(props.section.title)} › step {props.number}{props.reason ? ` · ${terminalSafe(props.reason)}` : ''}</Text>
      </Text>
      {shownText.map((line, i) => (
        <Text key={i} bold={i === 0} wrap="wrap">{terminalSafe(line)}</Text>
      ))}
      {textLines.length > shownText.length ? <Text color={color('muted')}>… {textLines.length - shownText.length} more lines</Text> : null}
      {step.steps.length ? <Text color={color('muted')}>{step.steps.length} sub-step{step.steps.length > 1 ? 's' : ''} (Esc to the checklist)</Text> : null}
      {step.actions.length ? (
        step.actions.map((action, i) => {
          const missing = action.placeholders.filter((p) => props.values[p] === undefined);
          return (
            <Box key={i} flexDirection="column">
              <Text wrap="truncate-end">
                <Text color={color('accent')}>{i + 1}. [{action.kind}] </Text>
                {terminalSafe(action.code.split('\n')[0] ?? '')}
                {action.code.includes('\n') ? <Text color={color('muted')}> …</Text> : null}
              </Text>
              {missing.length ? <Text color={color('warn')}>   needs: {missing.join(', ')} (asked when you press r)</Text> : null}
            </Box>
          );
        })
      ) : (
        <Text color={color('muted')}>No command or query: do it by hand, then d (done), s (skip) or f (failed); n adds a note, a attaches evidence.</Text>
      )}
      {notes.slice(-2).map((n) => (
        <Text key={n.seq} color={color('info')} wrap="truncate-end">✎ {terminalSafe(n.text.split('\n')[0] ?? '')}</Text>
      ))}
      <Box marginTop={1} flexDirection="column">
        {props.running ? (
          <>
            <Text color={color('warn')}>
              <Spinner type="dots" /> running {props.running.kind} · <Elapsed since={props.running.startedAt} /> · x or Ctrl-C cancels
            </Text>
            <OutputPane lines={props.running.tail.last(paneHeight)} height={paneHeight - 1} width={props.width} />
          </>
        ) : lastResult ? (
          <ResultView result={lastResult} height={paneHeight} width={props.width} scroll={props.scroll} />
        ) : props.runs.length ? (
          <RecordedRun run={props.runs.at(-1)!} />
        ) : null}
      </Box>
    </Box>
  );
}
