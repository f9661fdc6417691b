// Report drafts from a session: verified first, then drawn up as Markdown or JSON.

import { terminalSafeDeep } from '../format/terminal.js';
import { redactFields } from '../session/redact.js';
import { keyFiles } from '../session/signer.js';
import { verifySession } from '../session/verify.js';
import { buildReport, type BuildOptions, type ReportData } from './data.js';
import { renderMarkdown } from './markdown.js';

export { buildReport, type ReportData, type Template } from './data.js';
export { renderMarkdown, TO_WRITE } from './markdown.js';
export { DEFAULT_DRILL_LOG, recordDrill } from './drillLog.js';

export async function draftReport(dir: string, options: BuildOptions & { allowedSigners?: string } = {}): Promise<ReportData> {
  const verification = await verifySession(dir, { allowedSigners: options.allowedSigners ?? keyFiles().allowedSigners });
  // Everything in a report came from outside at some point (step text, output excerpts, notes): redacted
  // once more, and made terminal-safe, so a report printed to a terminal cannot act on it.
  return terminalSafeDeep(redactFields(buildReport(dir, verification, options)));
}

