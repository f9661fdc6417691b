// The RPO/RTO log: a Markdown table in the operator's repository with one row per drill.

import { existsSync, readFileSync } from 'node:fs';
import { writeWholeFile } from '../session/durable.js';
import type { ReportData } from './data.js';
import { formatDuration } from './markdown.js';

export const DEFAULT_DRILL_LOG = 'rpo-rto-log.md';

const HEADER = ['# RPO/RTO log', '', 'One row per restore drill, written by `runbook report --template drill`.', '', '| Date (UTC) | Drill | Session | RTO | RPO | Steps | Verified |', '|---|---|---|---|---|---|---|'];

export function drillRow(data: ReportData): string {
  const c = data.header.counts;
  const cells = [
    data.header.start.slice(0, 10),
    (data.header.section?.title ?? data.header.runbookTitle).replace(/\|/g, '\\|'),
    `\`${data.session.id}\``,
    formatDuration(data.drill?.rtoMs),
    (data.drill?.rpo ?? 'not given').replace(/\|/g, '\\|'),
    `${c.done} done, ${c.skipped} skipped, ${c.failed} failed`,
    data.verification.ok ? 'yes' : 'NO',
  ];
  return `| ${cells.join(' | ')} |`;
}

/** Add the drill's row, or replace it when this session is already in the log. Returns what was done. */
export function recordDrill(path: string, data: ReportData): 'added' | 'updated' {
  const row = drillRow(data);
  const lines = existsSync(path) ? readFileSync(path, 'utf8').replace(/\n+$/, '').split('\n') : [...HEADER];
  const at = lines.findIndex((l) => l.includes(`\`${data.session.id}\``));
  if (at >= 0) lines[at] = row;
  else lines.push(row);
  writeWholeFile(path, lines.join('\n') + '\n', 'update the drill log');
  return at >= 0 ? 'updated' : 'added';
}
