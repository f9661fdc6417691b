// `runbook db migrate|status|rollback [--env NAME]`, behind `npm run db:migrate`,
// `npm run db:migration:status` and `npm run db:rollback`. Migrating and rolling back are operator
// actions: a protected environment must be named, and a rollback of a store that holds sessions
// needs --force and the database's name typed (or --confirm NAME without a terminal).

import { createInterface } from 'node:readline/promises';
import { CheckFailedError, UsageError } from '../errors.js';
import { prepareEnvironment, releaseEnvironment, resolveEnvironment } from '../exec/environment.js';
import { migrate, migrationStatus, rollback, storeContents } from '../store/migrate.js';

export interface DbOptions {
  env?: string;
  force?: boolean;
  /** Names typed in advance: the protected environment's, the database's (repeatable). */
  confirm?: string[];
}

/** Where a typed decision comes from: a terminal, or none (then only --confirm counts). */
export interface DecisionInput {
  isTTY: boolean;
  ask(question: string): Promise<string>;
}

function terminalInput(): DecisionInput {
  return {
    isTTY: Boolean(process.stdin.isTTY && process.stderr.isTTY),
    ask: async (question) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    },
  };
}

/** The operator names `expected`: with --confirm, or by typing it at a terminal. Throws when not. */
export async function requireTypedName(expected: string, options: { confirm?: string[] }, input: DecisionInput, what: { prompt: string; refusal: string }): Promise<void> {
  if (options.confirm?.includes(expected)) return;
  if (!input.isTTY) {
    const given = options.confirm?.length ? ` (--confirm ${options.confirm.join(', ')} does not name it)` : '';
    throw new UsageError(`${what.refusal}${given}: pass --confirm ${expected}.`);
  }
  const typed = (await input.ask(`${what.prompt} Type ${expected} to go on: `)).trim();
  if (typed !== expected) throw new UsageError(`${what.refusal}: "${typed}" is not ${expected}, nothing was done.`);
}

function where(env: { name: string }, url?: string): string {
  if (!url) return env.name;
  try {
    const u = new URL(url);
    return `${env.name} (${u.hostname}:${u.port || 5432}${u.pathname})`;
  } catch {
    return env.name;
  }
}

const DUMP = 'pg_dump --data-only --table=runbook_sessions --table=runbook_events "$DATABASE_URL" > runbook-store.sql';

/** Returns the exit code: 1 when `status` finds pending migrations. */
export async function dbCommand(action: string, options: DbOptions, input: DecisionInput = terminalInput()): Promise<number> {
  if (!['migrate', 'status', 'rollback'].includes(action)) throw new UsageError(`Unknown db action "${action}": use migrate, status or rollback.`);
  if (options.force && action !== 'rollback') throw new UsageError('--force is only for db rollback.');
  const env = await prepareEnvironment(resolveEnvironment(options.env ? { name: options.env } : {}), (message) => process.stderr.write(`runbook: ${message}\n`));
  if (!env.database) throw new UsageError(`No database for ${env.name}: set DATABASE_URL (or PGHOST…), or databaseUrl for it in runbook.config.json.`);
  const target = where(env, env.database.connectionString);
  if (env.protected && action !== 'status') {
    await requireTypedName(env.name, options, input, { prompt: `${env.name} is a protected environment: ${action} its team store schema?`, refusal: `${env.name} is a protected environment; ${action} runs there only when it is named` });
  }
  try {
    let code = 0;
    if (action === 'migrate') {
      const applied = await migrate(env.database);
      process.stdout.write(applied.length ? `Applied migration${applied.length > 1 ? 's' : ''} ${applied.join(', ')} to ${target}.\n` : `No pending migrations on ${target}: nothing to apply.\n`);
    } else if (action === 'status') {
      const status = await migrationStatus(env.database);
      process.stdout.write(`Store schema on ${target}: version ${status.current} of ${status.latest}.\n`);
      for (const m of status.applied) process.stdout.write(`  applied  ${String(m.version).padStart(3, '0')} ${m.name}\n`);
      for (const m of status.pending) process.stdout.write(`  pending  ${String(m.version).padStart(3, '0')} ${m.name}\n`);
      process.stdout.write(status.pending.length ? `${status.pending.length} pending migration${status.pending.length > 1 ? 's' : ''}: run npm run db:migrate.\n` : 'No pending migrations.\n');
      if (status.pending.length) code = 1;
    } else {
      const held = await storeContents(env.database);
      if (held.sessions > 0) {
        const refusal = `The store on ${target} holds ${held.sessions} recorded session${held.sessions > 1 ? 's' : ''}; rolling back drops recorded data. Dump it first (${DUMP}), then run runbook db rollback --force`;
        if (!options.force) throw new UsageError(`${refusal} and type the database's name (${held.database}), or add --confirm ${held.database} without a terminal.`);
        await requireTypedName(held.database, options, input, { prompt: `${refusal.split(';')[0]}; rolling back drops recorded data (dump it first: ${DUMP}).`, refusal: `Rolling back the store on ${target} needs the database's name, ${held.database}` });
      }
      const undone = await rollback(env.database, { dropRecordedData: held.sessions > 0 });
      process.stdout.write(undone ? `Rolled back migration ${undone} on ${target}.\n` : `Nothing to roll back on ${target}: no migration is applied.\n`);
    }
    await releaseEnvironment(env);
    return code;
  } catch (error) {
    if (error instanceof UsageError || error instanceof CheckFailedError) throw error;
    const e = error as { code?: string; message: string };
    throw new Error(`${action} on ${target} failed: ${e.message}${e.code ? ` (${e.code})` : ''}`);
  }
}
