// The drill record: what the drill set out to prove, what it ran against, the RTO and RPO against
// their targets, each step with its times, and what it found. No Impact or Root cause: nothing broke.

import { describeTarget } from '../exec/target.js';
import type { ReportData } from './data.js';
import type { DrillRecord, RtoPoint } from './drill.js';
import { escapeText, flatten, inlineText, showInvisible } from './inline.js';
import {
  actionsLines,
  deviationItems,
  formatDuration,
  fullValueLines,
  ganttLines,
  headerLines,
  integrityLines,
  notesLines,
  prompt,
  pushLines,
  renderContext,
  table,
  time,
  TO_WRITE,
  utc,
  warningLines,
  type RenderOptions,
} from './markdown.js';

function point(p: RtoPoint, edge: 'start' | 'end'): string {
  if (p.chosen === 'session start') return `the session's start (${utc(p.at)})`;
  const why = { option: edge === 'start' ? 'named with --rto-from' : 'named with --rto-to', 'restore step': 'the first restore step', 'smoke check': 'the last smoke check passed', 'last step done': 'the last step done' }[p.chosen];
  return `“${p.label}” ${edge === 'start' ? 'started' : 'done'} at ${utc(p.at)} (${why})`;
}

function objectivesLines(data: ReportData, d: DrillRecord): string[] {
  const target = describeTarget(data.header.target);
  const out = ['## Target and measured RTO/RPO', ''];
  out.push(
    `Ran against: ${target ? `${inlineText(data.header.env)}: ${inlineText(target)}` : `${inlineText(data.header.env) || 'an unnamed environment'} (the session does not record what it pointed at; ${TO_WRITE}: the host, database or sandbox copy)`}.`,
    '',
  );
  out.push(
    ...table(['', 'Target', 'Measured'], [
      ['RTO', d.rtoTarget ? escapeText(d.rtoTarget) : `${TO_WRITE} (or --rto-target)`, `**${formatDuration(d.rtoMs)}**`],
      ['RPO', d.rpoTarget ? escapeText(d.rpoTarget) : `${TO_WRITE} (or --rpo-target)`, d.rpo ? `**${escapeText(d.rpo)}** (as given)` : `${TO_WRITE}: the point in time restored to, and what was written after it (or --rpo)`],
    ]),
    '',
  );
  if (d.rtoFrom && d.rtoTo) out.push(`The RTO is measured from ${point(d.rtoFrom, 'start')} to ${point(d.rtoTo, 'end')}.`);
  else out.push('The RTO could not be measured from this session.');
  out.push(...d.rtoNotes.map((n) => `${n}`), 'Other steps can be chosen with `--rto-from` and `--rto-to` (a step id or words of its title).', '');
  return out;
}

function stepsLines(data: ReportData, d: DrillRecord): string[] {
  const out = ['## Steps', ''];
  if (!d.steps.length) return [...out, 'No step was taken in this session.', ''];
  pushLines(
    out,
    'Times are UTC. A manual step is timed from the event before it (when the operator was free to start it) to its done event.',
    '',
    table(
      ['Step', 'Started', 'Ended', 'Took', 'Outcome', 'How'],
      d.steps.map((s) => [
        s.label,
        time(s.start),
        s.end ? time(s.end) : '—',
        s.end ? formatDuration(Date.parse(s.end) - Date.parse(s.start)) : '—',
        s.outcome,
        s.actions ? `${s.actions} action${s.actions > 1 ? 's' : ''}` : 'manual',
      ]),
    ),
    '',
    // The chart shows the same times as the table: manual steps from the event before them.
    ganttLines({ ...data, gantt: d.steps.map((s) => ({ step: s.step, label: s.label.replace(/ › /, ' '), start: s.start, end: s.end ?? data.header.end ?? s.start, outcome: s.outcome })) }),
  );
  return out;
}

export function renderDrillRecord(data: ReportData, options: RenderOptions = {}): string {
  const ctx = renderContext(data, options);
  const d: DrillRecord = data.drill ?? { steps: [], rtoNotes: [] };
  const h = data.header;
  const out: string[] = [`# Drill record: ${h.section?.title ?? (inlineText(h.runbookTitle) || 'untitled')}`, '', ...warningLines(data), ...headerLines(data)];
  out.push('## Objective', '', ...(h.purpose.title ? [`${escapeText(flatten(h.purpose.title))}.`, ''] : []), ...prompt('what this drill sets out to prove, e.g. that last night’s backup restores within the RTO target.'));
  out.push('## Scope', '', `Runbook ${inlineText(h.runbookTitle) || '—'}${h.section ? `, section ${h.section.title}` : ''}: ${h.counts.done} steps done, ${h.counts.skipped} skipped, ${h.counts.failed} failed, ${h.counts.actions} commands or queries run.`, '', ...prompt('what was in and out of scope (which data, which services).'));
  out.push(...objectivesLines(data, d));
  pushLines(out, stepsLines(data, d));
  const deviations = deviationItems(data);
  out.push('## Findings', '', ...prompt('what the drill showed: what worked, what was slow, what the runbook got wrong.'));
  if (deviations.length) pushLines(out, 'From the session:', '', deviations, '');
  out.push('## Follow-ups', '', ...table(['Item', 'Owner', 'Due'], [[TO_WRITE, '', ''], ['', '', '']]), '');
  pushLines(out, actionsLines(data, ctx), notesLines(data, ctx), integrityLines(data, ctx), fullValueLines(ctx));
  return showInvisible(out.join('\n'));
}
