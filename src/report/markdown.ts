// The report as GitHub-flavoured Markdown. Parts only a person can write are marked `✍ TO WRITE`
// so they are easy to find (and to grep for before the review). The incident template is here, with
// the parts the drill record (drillMarkdown.ts) shares.

import { relative, resolve, sep } from 'node:path';
import { describeTarget } from '../exec/target.js';
import { runbookCommand } from '../format/command.js';
import type { ActionEntry, ReportData } from './data.js';
import { codeSpan, escapeText, flatten, inlineText, shortenText, showInvisible, tableCell } from './inline.js';
import { KEPT_VALUE_CHARS } from './results.js';

export const TO_WRITE = '✍ TO WRITE';

export interface RenderOptions {
  /** The folder the report is written to: every link is relative to it (default: the current folder). */
  linkBase?: string;
  /** How printed commands start (`runbook …` or `npx runbook …`); default: as this process was started. */
  command?: (args: string) => string;
  /** The session folder and allowed_signers file as the printed ssh-keygen command names them (an archive's own, in an export). */
  sessionPath?: string;
  allowedSignersPath?: string;
}

/** A long value cut in a table, shown whole in the Full values section. */
interface FullValue {
  anchor: string;
  where: string;
  value: string;
  /** The value was longer than the report keeps: where the rest is. */
  clippedFrom?: number;
  evidence?: string;
}

/** What rendering needs beyond the data: where links point from, and values moved to the end. */
export interface RenderContext {
  link: (pathInSession: string) => string;
  command: (args: string) => string;
  fullValues: FullValue[];
  sessionPath: string;
  allowedSignersPath: string;
}

export function renderContext(data: ReportData, options: RenderOptions = {}): RenderContext {
  const base = resolve(options.linkBase ?? process.cwd());
  const session = resolve(data.session.dir);
  return {
    link: (pathInSession) => {
      const path = relative(base, resolve(session, pathInSession)) || '.';
      return path.split(sep).map(encodeURIComponent).join('/');
    },
    command: options.command ?? ((args) => runbookCommand(args)),
    fullValues: [],
    sessionPath: options.sessionPath ?? data.session.dir,
    allowedSignersPath: options.allowedSignersPath ?? '~/.config/runbook/allowed_signers',
  };
}

export function table(columns: string[], rows: string[][]): string[] {
  return [`| ${columns.map(tableCell).join(' | ')} |`, `|${columns.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${columns.map((_, i) => tableCell(r[i] ?? '')).join(' | ')} |`)];
}

/** Add lines to `out`: `out.push(...lines)` overflows the stack past about 100,000 lines (a long session). */
export function pushLines(out: string[], ...parts: Array<string | string[]>): void {
  for (const part of parts) {
    if (typeof part === 'string') out.push(part);
    else for (const line of part) out.push(line);
  }
}

export function fence(code: string, info = ''): string[] {
  let longest = 2;
  for (const run of code.matchAll(/`+/g)) longest = Math.max(longest, run[0].length);
  const marks = '`'.repeat(longest + 1);
  return [`${marks}${info}`, code, marks];
}

export function formatDuration(ms: number | undefined): string {
  // A clock set back, or a forged time, gives a negative or no duration: not a number to print.
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return 'unknown';
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h} h ${m} min` : m ? `${m} min ${s % 60} s` : `${s} s`;
}

/** A time as the log writes it; anything else (a forged or damaged ts) is shown as the text it is. */
export const isLogTime = (ts: unknown): ts is string => typeof ts === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(ts) && Number.isFinite(Date.parse(ts));
const notATime = (ts: unknown) => `(not a time: ${inlineText(shortenText(String(ts), 40))})`;
export const utc = (ts: string | undefined) => (ts ? (isLogTime(ts) ? `${ts.replace('T', ' ').replace(/\.\d+Z$/, '').replace(/Z$/, '')} UTC` : notATime(ts)) : '');
export const time = (ts: string) => (isLogTime(ts) ? ts.slice(11, 19) : notATime(ts));

export function prompt(text: string): string[] {
  return [`> **${TO_WRITE}:** ${text}`, ''];
}

/** A result value in a table cell: lines joined with <br>, Markdown escaped, long values cut with a link to the whole. */
const CELL_CHARS = 120;
const CELL_LINES = 4;

function resultCell(value: string | null, ctx: RenderContext, where: string, clippedFrom: number | undefined, evidence: string | undefined): string {
  if (value === null) return '*NULL*';
  const lines = value.split(/\r\n|\r|\n/);
  if (value.length <= CELL_CHARS && lines.length <= CELL_LINES && clippedFrom === undefined) return lines.map(escapeText).join('<br>');
  const anchor = `full-value-${ctx.fullValues.length + 1}`;
  ctx.fullValues.push({ anchor, where, value, ...(clippedFrom !== undefined ? { clippedFrom } : {}), ...(evidence ? { evidence } : {}) });
  const shown: string[] = [];
  let budget = 80;
  for (const line of lines.slice(0, 2)) {
    if (budget <= 0) break;
    const part = shortenText(line, Math.max(budget, 10));
    shown.push(escapeText(part));
    budget -= part.length;
  }
  const preview = shown.join('<br>').replace(/…$/, '');
  return `${preview}… [full value](#${anchor})`;
}

export function fullValueLines(ctx: RenderContext): string[] {
  if (!ctx.fullValues.length) return [];
  const out = ['## Full values', '', 'Values too long for their table cell, in full.', ''];
  ctx.fullValues.forEach((v, i) => {
    out.push(`### Full value ${i + 1}`, '', `${v.where}${v.clippedFrom !== undefined ? ` (the first ${KEPT_VALUE_CHARS} of ${v.clippedFrom} characters; the whole value is in ${v.evidence ? `[the evidence file](${v.evidence})` : 'the evidence file'})` : ''}:`, '', ...fence(v.value, 'text'), '');
  });
  return out;
}

function title(data: ReportData): string {
  const { purpose, section, runbookTitle } = data.header;
  const what = section?.title ?? inlineText(runbookTitle);
  if (purpose.kind === 'incident') return `Post-incident report: ${escapeText(flatten([purpose.id, purpose.title].filter(Boolean).join(' '))) || what}`;
  return `Session report: ${what}`;
}

export function purposeText(data: ReportData): string {
  const p = data.header.purpose;
  const text = p.kind === 'incident' ? `Incident ${[p.id, p.title].filter(Boolean).join(' — ') || '(no id)'}${p.severity ? `, severity ${p.severity}` : ''}` : p.kind === 'drill' ? `Drill${p.title ? `: ${p.title}` : ''}` : `Routine check${p.title ? `: ${p.title}` : ''}`;
  return escapeText(flatten(text));
}

export function warningLines(data: ReportData): string[] {
  const { header: h, verification: v } = data;
  const out: string[] = [];
  if (!v.ok) {
    const why = v.firstBadLine !== undefined ? `line ${v.firstBadLine} of the session log is bad: ${v.reason}` : (v.reason ?? 'the session could not be verified');
    out.push(`> [!CAUTION]`, `> **This session did not verify: ${escapeText(flatten(why))}.** What follows is drawn from a record that cannot be fully trusted.`, '');
  }
  if (h.recordedId) out.push('> [!CAUTION]', `> **This folder is named ${codeSpan(data.session.id)}, but its log is session ${codeSpan(h.recordedId)}.** It was renamed, or holds another session's log.`, '');
  if (h.clock) out.push('> [!WARNING]', `> The session's clock did not run straight, so its times and durations are not reliable. ${h.clock.join(' ')}`, '');
  if (h.runbookChanged) out.push('> [!WARNING]', '> The runbook file has changed since this session ran: its SHA-256 no longer matches the one recorded.', '');
  return out;
}

export function headerLines(data: ReportData, extra: Array<[string, string]> = []): string[] {
  const h = data.header;
  const target = describeTarget(h.target);
  return [
    ...table(['', ''], [
      ['Purpose', purposeText(data)],
      ['Runbook', `${inlineText(h.runbookTitle) || '—'} (${codeSpan(h.runbookPath)}, SHA-256 ${codeSpan(`${h.runbookSha256.slice(0, 16)}…`)})`],
      ['Section', h.section ? `${h.section.title} (${codeSpan(h.section.id)})` : '—'],
      ['Environment', inlineText(h.env) || '—'],
      ...(target ? [['Target', inlineText(target)] as [string, string]] : []),
      ...extra,
      ['Operators', inlineText(h.operators.join(', '))],
      ['Started', utc(h.start)],
      ['Ended', utc(h.end)],
      ['Duration', formatDuration(h.durationMs)],
      ['Status', h.status],
      ['Session', codeSpan(data.session.id)],
    ]),
    '',
  ];
}

export function timelineLines(data: ReportData, ctx: RenderContext): string[] {
  return [
    '## Timeline',
    '',
    `All times UTC; #N is the event's seq in [session.jsonl](${ctx.link('session.jsonl')}), on its line N + 1.`,
    '',
    ...table(['Time', 'What happened', 'Event', 'Evidence'], data.timeline.map((r) => [time(r.ts), r.what, `#${r.seq}`, r.evidence ? `[${r.evidence.slice(0, 12)}…](${ctx.link(`evidence/${r.evidence}`)})` : ''])),
    '',
  ];
}

export function ganttLines(data: ReportData): string[] {
  // A task line is built from its times: one that is not a time would write its own Mermaid.
  const tasks = data.gantt.filter((task) => isLogTime(task.start) && isLogTime(task.end));
  if (!tasks.length) return [];
  const out = ['```mermaid', 'gantt', `  title Steps of ${cellMermaid(data.header.section?.title ?? data.header.runbookTitle, false)}`, '  dateFormat YYYY-MM-DDTHH:mm:ss', '  axisFormat %H:%M'];
  const tag = { done: 'done', failed: 'crit', skipped: 'milestone', open: 'active' } as const;
  tasks.forEach((task, i) => {
    const seconds = Math.max(1, Math.round((Date.parse(task.end) - Date.parse(task.start)) / 1000));
    out.push(`  ${cellMermaid(task.label)} (${task.outcome}) :${tag[task.outcome]}, s${i + 1}, ${task.start.slice(0, 19)}, ${seconds}s`);
  });
  out.push('```', '');
  return out;
}

/**
 * Mermaid task names end at a colon and break on a few other characters; Mermaid reads no Markdown
 * escapes and may render HTML in a label; a line starting with a keyword (click, section, %%) is a
 * directive, not a task.
 */
function cellMermaid(text: string, task = true): string {
  const plain = shortenText(text.replace(/\\([\s\S])/g, '$1').replace(/[:;#`"<>&%\\{}]/g, ' '), 90);
  return task && /^(click|section|title|dateFormat|axisFormat|tickInterval|excludes|includes|todayMarker|weekday|weekend|inclusiveEndDates|topAxis|displayMode|accTitle|accDescr|gantt|call|href)\b/i.test(plain) ? `› ${plain}` : plain;
}

function actionLines(entry: ActionEntry, ctx: RenderContext): string[] {
  const facts = [
    `status **${escapeText(entry.status)}**`,
    entry.exitCode !== undefined ? `exit code ${entry.exitCode}` : '',
    entry.signal ? `signal ${escapeText(entry.signal)}` : '',
    entry.rows !== undefined ? `${entry.rows} row${entry.rows === 1 ? '' : 's'}` : '',
    entry.durationMs !== undefined ? `${entry.durationMs} ms` : '',
    `started ${utc(entry.startedAt)} (event ${entry.seq})`,
  ].filter(Boolean);
  const out = [`### ${entry.number}. ${escapeText(entry.kind)}${entry.stepLabel ? ` — ${entry.stepLabel}` : ''}`, '', ...fence(entry.code, entry.kind === 'sql' ? 'sql' : entry.kind === 'shell' ? 'sh' : ''), '', facts.join(' · '), ''];
  if (entry.error) out.push(`Error: ${escapeText(flatten(entry.error))}`, '');
  for (const output of entry.outputs) {
    const href = output.evidence ? ctx.link(`evidence/${output.evidence.sha256}`) : '';
    const link = output.evidence ? `[evidence/${output.evidence.sha256}](${href})` : '';
    if (output.table) {
      const { columns, head, tail, omitted, clipped } = output.table;
      const tailStart = output.table.total - tail.length + 1;
      const clippedAt = (row: number, column: number) => clipped?.find((c) => c.row === row && c.column === column)?.length;
      const cells = (values: Array<string | null>, row: number) =>
        columns.map((name, column) => resultCell(values[column] ?? null, ctx, `Action ${entry.number}, row ${row}, column ${codeSpan(name)}`, clippedAt(row, column), href || undefined));
      if (columns.length) {
        const rows = [
          ...head.map((r, i) => cells(r, i + 1)),
          ...(omitted > 0 ? [columns.map((_, i) => (i === 0 ? `… ${omitted} rows omitted …` : ''))] : []),
          ...tail.map((r, i) => cells(r, tailStart + i)),
        ];
        out.push(...table(columns.map((c) => escapeText(flatten(c)) || ' '), rows), '');
      }
      out.push(`${omitted > 0 ? `${omitted} rows omitted — full result: ` : 'Full result: '}${link}${output.evidence ? ` (${output.evidence.size} bytes, CSV)` : ''}`, '');
    } else if (output.excerpt) {
      const { head, tail, omitted } = output.excerpt;
      if (head.length) out.push(...fence([...head, ...(omitted > 0 ? [`… ${omitted} lines omitted …`] : []), ...tail].join('\n'), 'text'), '');
      out.push(`${omitted > 0 ? `${omitted} lines omitted — full output: ` : 'Full output: '}${link}${output.evidence ? ` (${output.evidence.size} bytes)` : ''}`, '');
    }
  }
  return out;
}

export function actionsLines(data: ReportData, ctx: RenderContext): string[] {
  const out = ['## Actions', ''];
  if (!data.actions.length) out.push('No command or query was run in this session.', '');
  for (const entry of data.actions) pushLines(out, actionLines(entry, ctx));
  return out;
}

export function deviationItems(data: ReportData): string[] {
  const dev = data.deviations;
  return [
    ...dev.skipped.map((s) => `- Skipped: ${s.label}${s.reason ? ` — “${escapeText(flatten(s.reason))}”` : ''}`),
    ...dev.failedSteps.map((s) => `- Failed step: ${s.label}`),
    ...dev.failedActions.map((a) => `- Action ${a.number} did not succeed (${codeSpan(a.action)})${a.error ? `: ${escapeText(flatten(a.error))}` : ''}`),
    ...dev.refused.map((r) => `- Refused${r.label ? ` (${r.label})` : ''}: ${escapeText(flatten(r.reason))}`),
    ...dev.outOfOrder.map((o) => `- Done out of the runbook's order: ${o.label}, after ${o.after}`),
    ...dev.neverReached.map((n) => `- Never reached: ${n.label}`),
  ];
}

export function notesLines(data: ReportData, ctx: RenderContext): string[] {
  const out = ['## Notes', '', ...(data.notes.length ? data.notes.map((n) => `- ${time(n.ts)}${n.stepLabel ? ` (${n.stepLabel})` : ''}: ${escapeText(flatten(n.text))}`) : ['No notes were taken.']), ''];
  if (data.attachments.length) {
    out.push(
      '## Attachments',
      '',
      ...data.attachments.map((a) => `- ${time(a.ts)} ${a.kind === 'file' ? `file ${codeSpan(a.name)}` : 'pasted text'}${a.evidence ? `: [evidence/${a.evidence.sha256}](${ctx.link(`evidence/${a.evidence.sha256}`)}) (${a.evidence.size} bytes)` : ''}`),
      '',
    );
  }
  return out;
}

export function integrityLines(data: ReportData, ctx: RenderContext): string[] {
  const v = data.verification;
  const dir = ctx.sessionPath;
  return [
    '## Integrity',
    '',
    `- Events: ${v.events} · chain ${v.chainIntact ? 'intact' : 'BROKEN'} · evidence files ${v.evidence.checked - v.evidence.bad}/${v.evidence.checked} intact · signature ${v.signature}`,
    `- Head hash: ${codeSpan(v.head)}`,
    `- Signer: ${v.signer ? escapeText(flatten(v.signer)) : 'none (not sealed)'}${v.fingerprint ? ` · key ${codeSpan(v.fingerprint)}` : ''}`,
    '',
    'Check it yourself:',
    '',
    ...fence([ctx.command(`verify ${data.session.id}`), `ssh-keygen -Y verify -f ${ctx.allowedSignersPath.startsWith('~/') ? ctx.allowedSignersPath : shellWord(ctx.allowedSignersPath)} -I ${shellWord(v.signer ?? 'SIGNER')} \\`, `  -n runbook-session -s ${shellWord(`${dir}/session.jsonl.sig`)} < ${shellWord(`${dir}/session.jsonl`)}`].join('\n'), 'sh'),
    '',
  ];
}

/** A word the shell reads back unchanged: quoted only when it must be. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The post-incident report (and the report of a routine session). */
export function renderIncidentReport(data: ReportData, options: RenderOptions = {}): string {
  const ctx = renderContext(data, options);
  const out: string[] = [`# ${title(data)}`, '', ...warningLines(data), ...headerLines(data)];
  out.push('## Summary', '', ...prompt('what happened, in two or three sentences: the symptom, the cause, the fix.'));
  out.push('## Impact', '', ...prompt('who and what was affected, for how long, and whether data was exposed or lost.'));
  out.push('## Root cause and contributing factors', '', ...prompt('why it happened, and what made it worse or harder to see.'));
  out.push('## Action items', '', ...table(['Item', 'Owner', 'Due'], [[`${TO_WRITE}`, '', ''], ['', '', '']]), '');
  out.push('## Lessons learned', '', '### What went well', '', ...prompt('…'), '### What went wrong', '', ...prompt('…'), '### Where we got lucky', '', ...prompt('…'));
  pushLines(out, timelineLines(data, ctx), ganttLines(data));
  pushLines(out, actionsLines(data, ctx));
  const deviations = deviationItems(data);
  pushLines(out, '## Deviations', '', deviations.length ? deviations : ['None: every step was taken in order and every action succeeded.'], '');
  pushLines(out, notesLines(data, ctx), integrityLines(data, ctx), fullValueLines(ctx));
  return showInvisible(out.join('\n'));
}
