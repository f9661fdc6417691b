// Report drafts from a session: verified first, then drawn up as Markdown or JSON.

import { keyFiles } from '../session/signer.js';
import { verifySession } from '../session/verify.js';
import { buildReport, type BuildOptions, type ReportData } from './data.js';
import { renderMarkdown } from './markdown.js';

export { buildReport, type ReportData, type Template } from './data.js';
export { renderMarkdown, TO_WRITE } from './markdown.js';
export { DEFAULT_DRILL_LOG, recordDrill } from './drillLog.js';

export async function draftReport(dir: string, options: BuildOptions & { allowedSigners?: string } = {}): Promise<ReportData> {
  const verification = await verifySession(dir, { allowedSigners: options.allowedSigners ?? keyFiles().allowedSigners });
  return buildReport(dir, verification, options);
}

