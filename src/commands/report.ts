import { dirname, resolve } from 'node:path';
import { writeWholeFile } from '../session/durable.js';
import { StorageFault } from '../session/fault.js';
import { UsageError } from '../errors.js';
import { findConfig, readConfig } from '../exec/environment.js';
import { draftReport, recordDrill, renderMarkdown, type Template } from '../report/index.js';
import { resolveSession } from '../session/catalog.js';

export interface ReportOptions {
  out?: string;
  template?: string;
  format?: string;
  rtoFrom?: string;
  rtoTo?: string;
  /** The old name of --rto-to. */
  rtoStep?: string;
  rtoTarget?: string;
  rpoTarget?: string;
  rpo?: string;
  drillLog?: string;
  allowedSigners?: string;
}

/** The RPO/RTO log to write: --drill-log, else the config's drillLog (relative to the config), else none. */
function drillLogPath(option: string | undefined): string | undefined {
  if (option) return resolve(option);
  const config = findConfig(process.cwd());
  const configured = config ? readConfig(config).drillLog : undefined;
  if (configured !== undefined && typeof configured !== 'string') throw new UsageError(`drillLog in ${config} must be a file name.`);
  return configured ? resolve(dirname(config!), configured) : undefined;
}

/** `runbook report SESSION`: the post-incident report or drill record draft. */
export async function reportCommand(ref: string, options: ReportOptions): Promise<void> {
  if (options.template && !['incident', 'drill'].includes(options.template)) throw new UsageError(`--template must be incident or drill, not "${options.template}".`);
  if (options.format && !['md', 'json'].includes(options.format)) throw new UsageError(`--format must be md or json, not "${options.format}".`);
  const dir = resolveSession(ref);
  const rtoTo = options.rtoTo ?? options.rtoStep;
  const data = await draftReport(dir, {
    ...(options.template ? { template: options.template as Template } : {}),
    ...(options.rtoFrom ? { rtoFrom: options.rtoFrom } : {}),
    ...(rtoTo ? { rtoTo } : {}),
    ...(options.rpo ? { rpo: options.rpo } : {}),
    ...(options.rtoTarget ? { rtoTarget: options.rtoTarget } : {}),
    ...(options.rpoTarget ? { rpoTarget: options.rpoTarget } : {}),
    ...(options.allowedSigners ? { allowedSigners: options.allowedSigners } : {}),
  });
  // Read before anything is written, so a bad drillLog setting leaves nothing half done.
  const log = data.template === 'drill' ? drillLogPath(options.drillLog) : undefined;
  const out = options.out ? resolve(options.out) : undefined;
  const text = options.format === 'json' ? JSON.stringify(data, null, 2) + '\n' : renderMarkdown(data, { linkBase: out ? dirname(out) : process.cwd() });
  if (out) {
    try {
      writeWholeFile(out, text, 'write the report');
    } catch (error) {
      // A folder that is not there or not ours is a wrong --out: a usage error. A full disk stays a fault.
      if (error instanceof StorageFault && ['ENOENT', 'ENOTDIR', 'EACCES', 'EPERM', 'EISDIR', 'EROFS'].includes(error.code ?? '')) throw new UsageError(error.message);
      throw error;
    }
    process.stderr.write(`runbook: report draft written to ${options.out}\n`);
  } else process.stdout.write(text);
  if (log) {
    let what: 'added' | 'updated';
    try {
      what = recordDrill(log, data);
    } catch (error) {
      throw new UsageError(`Cannot write the RPO/RTO log ${log}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
    }
    process.stderr.write(`runbook: drill ${what === 'added' ? 'added to' : 'updated in'} ${log}\n`);
  } else if (options.drillLog) process.stderr.write('runbook: --drill-log applies to drill records only; nothing was written to it.\n');
  if (!data.verification.ok) process.stderr.write(`runbook: the session did not verify (${data.verification.reason ?? 'see the report'}); the report says so at the top.\n`);
}
