// `runbook db migrate|status|rollback [--env NAME]`, behind `npm run db:migrate`,
// `npm run db:migration:status` and `npm run db:rollback`.

import { UsageError } from '../errors.js';
import { prepareEnvironment, releaseEnvironment, resolveEnvironment } from '../exec/environment.js';
import { migrate, migrationStatus, rollback } from '../store/migrate.js';

function where(env: { name: string }, url?: string): string {
  if (!url) return env.name;
  try {
    const u = new URL(url);
    return `${env.name} (${u.hostname}:${u.port || 5432}${u.pathname})`;
  } catch {
    return env.name;
  }
}

export async function dbCommand(action: string, options: { env?: string }): Promise<void> {
  const env = await prepareEnvironment(resolveEnvironment(options.env ? { name: options.env } : {}), (message) => process.stderr.write(`runbook: ${message}\n`));
  if (!env.database) throw new UsageError(`No database for ${env.name}: set DATABASE_URL (or PGHOST…), or databaseUrl for it in runbook.config.json.`);
  const target = where(env, env.database.connectionString);
  try {
    if (action === 'migrate') {
      const applied = await migrate(env.database);
      process.stdout.write(applied.length ? `Applied migration${applied.length > 1 ? 's' : ''} ${applied.join(', ')} to ${target}.\n` : `No pending migrations on ${target}: nothing to apply.\n`);
    } else if (action === 'status') {
      const status = await migrationStatus(env.database);
      process.stdout.write(`Store schema on ${target}: version ${status.current} of ${status.latest}.\n`);
      for (const m of status.applied) process.stdout.write(`  applied  ${String(m.version).padStart(3, '0')} ${m.name}\n`);
      for (const m of status.pending) process.stdout.write(`  pending  ${String(m.version).padStart(3, '0')} ${m.name}\n`);
      process.stdout.write(status.pending.length ? `${status.pending.length} pending migration${status.pending.length > 1 ? 's' : ''}: run npm run db:migrate.\n` : 'No pending migrations.\n');
    } else if (action === 'rollback') {
      const undone = await rollback(env.database);
      process.stdout.write(undone ? `Rolled back migration ${undone} on ${target}.\n` : `Nothing to roll back on ${target}: no migration is applied.\n`);
    } else throw new UsageError(`Unknown db action "${action}": use migrate, status or rollback.`);
    await releaseEnvironment(env);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const e = error as { code?: string; message: string };
    throw new Error(`${action} on ${target} failed: ${e.message}${e.code ? ` (${e.code})` : ''}`);
  }
}
