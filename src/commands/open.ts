import { UsageError } from '../errors.js';
import { listCommand } from './list.js';

/**
 * `runbook [FILE|DIR]`. Until the interactive navigator lands (issue 5) this prints the runbook
 * tree, so the bundled runbook can be read with `npx runbook` on a fresh checkout.
 */
export async function openCommand(target: string): Promise<void> {
  try {
    await listCommand(target, {});
  } catch (error) {
    if (error instanceof UsageError && target === './runbook/') {
      throw new UsageError(`No runbook folder here (./runbook/); give a file or folder: runbook path/to/runbook.md.`);
    }
    throw error;
  }
}
