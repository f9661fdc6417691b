// Report drafts from a session: verified first, then drawn up as Markdown or JSON.

import { evidencePath } from '../session/evidence.js';
import { terminalSafeDeep } from '../format/terminal.js';
import { redactFields } from '../session/redact.js';
import { keyFiles } from '../session/signer.js';
import { verifySessionLog } from '../session/verify.js';
import { buildReport, type BuildOptions, type ReportData } from './data.js';
import { secretsWhereDrawnUp } from './knownSecrets.js';
import { renderDrillRecord } from './drillMarkdown.js';
import { renderIncidentReport, type RenderOptions } from './markdown.js';
import { excerpt } from './excerpt.js';
import { readResultTable } from './results.js';

export { buildReport, type ReportData, type Template } from './data.js';
export { TO_WRITE, type RenderOptions } from './markdown.js';
export { recordDrill } from './drillLog.js';

export async function draftReport(dir: string, options: BuildOptions & { allowedSigners?: string; knownSecrets?: string[] } = {}): Promise<ReportData> {
  // The parsed events are let go once the report's data is drawn from them (100k events: ~100 MB).
  const data = await verifySessionLog(dir, { allowedSigners: options.allowedSigners ?? keyFiles().allowedSigners }).then(({ result, events }) => buildReport(dir, result, options, events));
  await attachExcerpts(data, dir, options.excerptLines ?? 20);
  // Everything in a report came from outside at some point (step text, output excerpts, notes): redacted
  // once more, and made terminal-safe, so a report printed to a terminal cannot act on it.
  // A lone carriage return in a value is a line break to a reader, kept as one (`<br>` in a table cell).
  const knownSecrets = options.knownSecrets ?? secretsWhereDrawnUp(data.header.env);
  return terminalSafeDeep(redactFields(data, { knownSecrets }), (text) => text.replace(/\r\n?/g, '\n'));
}

/** First and last lines of outputs, first and last rows of results, read from the evidence files. */
async function attachExcerpts(data: ReportData, dir: string, lines: number): Promise<void> {
  // Evidence is named by its content: the same output run a thousand times is read once.
  const tables = new Map<string, ReturnType<typeof readResultTable>>();
  const excerpts = new Map<string, ReturnType<typeof excerpt>>();
  for (const entry of data.actions) {
    for (const output of entry.outputs) {
      if (!output.evidence) continue;
      const path = evidencePath(dir, output.evidence.sha256);
      const isTable = entry.kind === 'sql' || output.csv === true;
      if (isTable && !tables.has(path)) tables.set(path, readResultTable(path, lines));
      const table = isTable ? await tables.get(path) : undefined;
      if (table) output.table = table;
      else {
        if (!excerpts.has(path)) excerpts.set(path, excerpt(path, lines, lines));
        const ex = excerpts.get(path);
        if (ex) output.excerpt = ex;
      }
    }
  }
}

/** The report as Markdown: the drill record for drills, else the post-incident report. */
export function renderMarkdown(data: ReportData, options: RenderOptions = {}): string {
  return data.template === 'drill' ? renderDrillRecord(data, options) : renderIncidentReport(data, options);
}
