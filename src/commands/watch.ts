import { UsageError } from '../errors.js';
import { resolveEnvironment } from '../exec/environment.js';

/** `runbook watch [SESSION]`: follow a session live from the team store. */
export async function watchCommand(ref: string | undefined, options: { store?: string }): Promise<void> {
  const store = options.store ?? resolveEnvironment().store;
  if (!store) throw new UsageError('No team store: set RUNBOOK_STORE_URL, store in runbook.config.json, or pass --store URL.');
  const { runWatch } = await import('../watchTui.js');
  await runWatch(store, ref);
}
