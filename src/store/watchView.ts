// What `runbook watch` shows, as plain lines: the header (who, where, why), the steps, and the story so
// far (runs with their output excerpts and result tables, notes) from the same fold as the TUI's
// view. Every piece of text from the store is made terminal-safe and kept on one line here.

import { terminalSafe } from '../format/terminal.js';
import type { SessionView, StepState } from '../session/view.js';
import type { LinesExcerpt, RowsExcerpt } from './excerpts.js';
import type { StoredExcerpt, StoredSession } from './follow.js';

export type Tone = 'title' | 'muted' | 'ok' | 'danger' | 'warning' | 'plain';

export interface WatchLine {
  text: string;
  tone: Tone;
}

/** One line of text from outside: controls neutralised, line breaks and tabs made visible spaces. */
export function oneLine(text: unknown): string {
  return terminalSafe(String(text ?? '')).replace(/\r?\n/g, ' ⏎ ').replace(/\t/g, '  ');
}

export function purposeLabel(purpose: StoredSession['purpose']): string {
  if (!purpose || typeof purpose !== 'object') return '';
  return [purpose.kind, purpose.id, purpose.severity, purpose.title].filter((p) => typeof p === 'string' && p).join(' ');
}

export function headerLine(session: StoredSession | undefined, pinned: boolean): WatchLine {
  if (!session) return { text: 'Waiting for a session: the watch shows the next one as soon as it starts.', tone: 'title' };
  const state = session.status === 'sealed' ? 'sealed' : session.status === 'interrupted' ? 'interrupted' : 'live';
  const parts = [session.id, session.operator ?? '?', session.env ?? '?', purposeLabel(session.purpose) || 'no purpose', state];
  return { text: `Watching ${parts.map(oneLine).join(' · ')}${pinned ? '' : ' (following the newest)'}`, tone: 'title' };
}

const MARK: Record<StepState, string> = { pending: '·', running: '▶', done: '✓', skipped: '↷', failed: '✗' };

/** The steps so far, in the order they were first named, with their state and reason. */
export function stepsLines(view: SessionView): WatchLine[] {
  const steps = Object.entries(view.steps).sort(([a], [b]) => (view.firstSeen[a] ?? '').localeCompare(view.firstSeen[b] ?? ''));
  if (!steps.length) return [];
  return [{ text: `Steps: ${steps.map(([id, s]) => `${MARK[s.state]} ${oneLine(id)}${s.reason ? ` (${oneLine(s.reason)})` : ''}`).join('  ')}`, tone: 'plain' }];
}

function tableLines(rows: RowsExcerpt, indent: string): string[] {
  const all = [rows.columns, ...rows.rows].map((r) => r.map((v) => oneLine(v)));
  const widths = rows.columns.map((_, i) => Math.min(40, Math.max(...all.map((r) => (r[i] ?? '').length))));
  const fmt = (r: string[]) => indent + widths.map((w, i) => (r[i] ?? '').slice(0, w).padEnd(w)).join(' │ ').trimEnd();
  return [fmt(all[0] ?? []), indent + widths.map((w) => '─'.repeat(w)).join('─┼─'), ...all.slice(1).map(fmt)];
}

function outputLines(lines: LinesExcerpt, indent: string): string[] {
  const gap = lines.omitted ? [`${indent}… ${lines.lines !== undefined ? `${Math.max(0, lines.lines - lines.head.length - lines.tail.length)} lines` : 'more'} not shown …`] : [];
  return [...lines.head.map((l) => indent + oneLine(l)), ...gap, ...lines.tail.map((l) => indent + oneLine(l))];
}

function excerptLines(excerpt: StoredExcerpt | undefined, evidence: { sha256: string } | undefined, rows: number | undefined): WatchLine[] {
  const indent = '    ';
  if (!excerpt) {
    return [{ text: `${indent}${rows !== undefined ? `${rows} rows, ` : ''}output ${evidence ? `${evidence.sha256.slice(0, 12)}… ` : ''}not in the store yet`, tone: 'muted' }];
  }
  const body = 'columns' in excerpt.excerpt ? tableLines(excerpt.excerpt, indent) : outputLines(excerpt.excerpt, indent);
  const more = 'columns' in excerpt.excerpt && excerpt.excerpt.more ? [`${indent}… more rows in the evidence${rows !== undefined ? ` (${rows} in all)` : ''}`] : [];
  return [...body, ...more].map((text) => ({ text, tone: 'plain' as Tone }));
}

/** The story so far: runs (code, outputs, outcome) and notes, in the order they happened. */
export function storyLines(view: SessionView, excerpts: ReadonlyMap<string, StoredExcerpt>): WatchLine[] {
  const items: Array<{ seq: number; lines: WatchLine[] }> = [];
  for (const run of view.runs) {
    const where = run.step ? `${oneLine(run.step)}: ` : '';
    const code = oneLine((run.code ?? '').split('\n')[0]);
    const lines: WatchLine[] = [{ text: `${run.startedAt.slice(11, 19)} ${where}${run.kind === 'sql' ? '' : '$ '}${code}`, tone: 'title' }];
    for (const output of run.outputs) lines.push(...excerptLines(output.evidence ? excerpts.get(output.evidence.sha256) : undefined, output.evidence, output.rows));
    const outcome =
      run.status === 'running'
        ? 'running…'
        : `→ ${run.status}${run.exitCode !== undefined ? `, exit ${run.exitCode}` : ''}${run.rows !== undefined ? `, ${run.rows} rows` : ''}${run.error ? `: ${oneLine(run.error)}` : ''}`;
    lines.push({ text: `    ${outcome}`, tone: run.status === 'ok' ? 'ok' : run.status === 'running' ? 'warning' : 'danger' });
    items.push({ seq: run.run, lines });
  }
  for (const note of view.notes) {
    items.push({ seq: note.seq, lines: [{ text: `${note.ts.slice(11, 19)} ${note.step ? `${oneLine(note.step)}: ` : ''}note: ${oneLine(note.text)}`, tone: 'muted' }] });
  }
  return items.sort((a, b) => a.seq - b.seq).flatMap((i) => i.lines);
}

export function sessionListLine(session: StoredSession): string {
  const state = session.status === 'open' ? 'live' : session.status;
  return [session.started_at?.replace('T', ' ').slice(0, 16) ?? '', state, session.operator ?? '?', session.env ?? '?', purposeLabel(session.purpose), session.section ?? session.runbook ?? '', session.id].map(oneLine).join(' · ');
}
