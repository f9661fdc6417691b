import { writeWholeFile } from '../session/durable.js';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { DEFAULT_DRILL_LOG, draftReport, recordDrill, renderMarkdown, type Template } from '../report/index.js';
import { resolveSession } from '../session/catalog.js';

export interface ReportOptions {
  out?: string;
  template?: string;
  format?: string;
  rtoStep?: string;
  rpo?: string;
  drillLog?: string;
  allowedSigners?: string;
}

/** `runbook report SESSION`: the post-incident report or drill record draft. */
export async function reportCommand(ref: string, options: ReportOptions): Promise<void> {
  if (options.template && !['incident', 'drill'].includes(options.template)) throw new UsageError(`--template must be incident or drill, not "${options.template}".`);
  if (options.format && !['md', 'json'].includes(options.format)) throw new UsageError(`--format must be md or json, not "${options.format}".`);
  const dir = resolveSession(ref);
  const data = await draftReport(dir, {
    ...(options.template ? { template: options.template as Template } : {}),
    ...(options.rtoStep ? { rtoStep: options.rtoStep } : {}),
    ...(options.rpo ? { rpo: options.rpo } : {}),
    ...(options.allowedSigners ? { allowedSigners: options.allowedSigners } : {}),
  });
  const text = options.format === 'json' ? JSON.stringify(data, null, 2) + '\n' : renderMarkdown(data);
  if (options.out) {
    writeWholeFile(options.out, text, 'write the report');
    process.stderr.write(`runbook: report draft written to ${options.out}\n`);
  } else process.stdout.write(text);
  if (data.template === 'drill') {
    const log = resolve(options.drillLog ?? DEFAULT_DRILL_LOG);
    const what = recordDrill(log, data);
    process.stderr.write(`runbook: drill ${what === 'added' ? 'added to' : 'updated in'} ${log}\n`);
  }
  if (!data.verification.ok) process.stderr.write(`runbook: the session did not verify (${data.verification.reason ?? 'see the report'}); the report says so at the top.\n`);
}
