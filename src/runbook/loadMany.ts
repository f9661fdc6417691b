// Loading a folder of runbooks: files are read and parsed a bounded number at a time (one after another
// spends most of its time waiting on the file system), and results keep the folder's order.

import { UsageError } from '../errors.js';
import { loadRunbook, type LoadedRunbook } from './load.js';

export type LoadOutcome = { file: string; loaded: LoadedRunbook } | { file: string; problem: string };

export async function loadRunbooks(files: string[], concurrency = 32): Promise<LoadOutcome[]> {
  const outcomes = new Array<LoadOutcome>(files.length);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const index = next++;
      const file = files[index]!;
      try {
        outcomes[index] = { file, loaded: await loadRunbook(file) };
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        outcomes[index] = { file, problem: error.message };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker));
  return outcomes;
}
