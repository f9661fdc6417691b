// `runbook sync [SESSION]`: send the team store every local session (or one) it does not hold exactly.

import { basename } from 'node:path';
import { CheckFailedError, UsageError } from '../errors.js';
import { resolveEnvironment } from '../exec/environment.js';
import { resolveSession } from '../session/catalog.js';
import { flushBacklog, storeHoldsExactly } from '../store/mirror.js';

function storeName(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return 'the team store';
  }
}

export async function syncCommand(ref: string | undefined, options: { store?: string; timeout?: string }): Promise<void> {
  const store = options.store ?? resolveEnvironment().store;
  if (!store) throw new UsageError('No team store: set RUNBOOK_STORE_URL, store in runbook.config.json, or pass --store URL.');
  const seconds = options.timeout === undefined ? 60 : Number(options.timeout);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--timeout ${options.timeout} is not a number of seconds.`);
  const dir = ref ? resolveSession(ref) : undefined;
  const database = { connectionString: store };
  const result = await flushBacklog(database, process.env, seconds * 1000, dir ? [basename(dir)] : undefined);
  const where = storeName(store);
  for (const id of result.sent) process.stdout.write(`sent      ${id}\n`);
  for (const id of result.failed) process.stdout.write(`waiting   ${id} (${result.error ? `the store: ${result.error}` : 'the store did not answer in time'}; run runbook sync again)\n`);
  for (const { id, message } of result.conflicts) process.stdout.write(`CONFLICT  ${id}: ${message}\n`);
  if (dir && !result.sent.length && !result.failed.length && !result.conflicts.length) {
    // Nothing needed sending: say so only when the store really holds it as recorded.
    const exact = await storeHoldsExactly(database, basename(dir), dir);
    if (!exact.exact) throw new CheckFailedError(`${basename(dir)} is not in ${where} as recorded: ${exact.reason}.`);
    process.stdout.write(`${basename(dir)} is up to date in ${where}.\n`);
    return;
  }
  if (!dir && !result.sent.length && !result.failed.length && !result.conflicts.length && !result.current.length) {
    process.stdout.write('There are no local sessions to send.\n');
    return;
  }
  const problems = result.failed.length + result.conflicts.length;
  if (problems) throw new CheckFailedError(`${problems} session${problems > 1 ? 's are' : ' is'} not mirrored to ${where}${result.conflicts.length ? ` (${result.conflicts.length} in conflict: the store holds another record; compare with runbook verify --store)` : ''}.`);
  process.stdout.write(result.sent.length ? `${result.sent.length} session${result.sent.length > 1 ? 's' : ''} sent to ${where}; every local session is mirrored.\n` : `Every local session is already in ${where}.\n`);
}
