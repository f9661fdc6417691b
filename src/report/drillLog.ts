// The RPO/RTO log: a Markdown table in the operator's repository with one row per drill. Written only
// when asked (--drill-log FILE, or drillLog in runbook.config.json), never as a side effect.

import { existsSync, readFileSync } from 'node:fs';
import { writeWholeFile } from '../session/durable.js';
import type { ReportData } from './data.js';
import { codeSpan, escapeText, flatten, tableCell } from './inline.js';
import { formatDuration } from './markdown.js';

const HEADER = ['# RPO/RTO log', '', 'One row per restore drill, written by `runbook report --template drill`.', '', '| Date (UTC) | Drill | Session | RTO | RPO | Steps | Verified |', '|---|---|---|---|---|---|---|'];

export function drillRow(data: ReportData): string {
  const c = data.header.counts;
  const cells = [
    data.header.start.slice(0, 10),
    data.header.section?.title ?? escapeText(data.header.runbookTitle),
    codeSpan(data.session.id),
    formatDuration(data.drill?.rtoMs),
    data.drill?.rpo ? escapeText(flatten(data.drill.rpo)) : 'not given',
    `${c.done} done, ${c.skipped} skipped, ${c.failed} failed`,
    data.verification.ok ? 'yes' : 'NO',
  ];
  return `| ${cells.map(tableCell).join(' | ')} |`;
}

/** Add the drill's row, or replace it when this session is already in the log. Returns what was done. */
export function recordDrill(path: string, data: ReportData): 'added' | 'updated' {
  const row = drillRow(data);
  const lines = existsSync(path) ? readFileSync(path, 'utf8').replace(/\n+$/, '').split('\n') : [...HEADER];
  const at = lines.findIndex((l) => l.includes(codeSpan(data.session.id)));
  if (at >= 0) lines[at] = row;
  else lines.push(row);
  writeWholeFile(path, lines.join('\n') + '\n', 'update the drill log');
  return at >= 0 ? 'updated' : 'added';
}
