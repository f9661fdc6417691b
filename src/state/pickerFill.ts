// The picker fills in: its first frame lists the files by name, then titles, step counts and problems
// arrive in batches from whoever reads the folder (AppOptions.describeEntries). The row under the
// cursor stays the same runbook while rows change around it, and reading pauses while the picker is
// not on screen (a runbook being walked gets the whole machine). UI state only.

import { screenKey, type AppStore } from './context.js';
import { pickerRows } from './rows.js';
import type { DescribeEntries, EntryPatch, RunbookEntry } from './types.js';

const PICKER_KEY = screenKey({ name: 'picker' });

/** Starts filling the picker's entries after the first frame, when the store was given a way to describe them. */
export function fillPickerEntries(store: AppStore, describe: DescribeEntries | undefined): void {
  const entries = store.getState().entries;
  if (!describe || !entries) return;
  const index = new Map(entries.map((entry, i) => [entry.file, i]));
  const apply = (patches: EntryPatch[]) => {
    const { entries: current = [], filter, cursor, screen } = store.getState();
    const onPicker = screen.name === 'picker';
    const chosen = onPicker ? pickerRows(current, filter)[cursor[PICKER_KEY] ?? 0]?.section.id : undefined;
    const next: RunbookEntry[] = current.slice();
    for (const patch of patches) {
      const at = index.get(patch.file);
      if (at !== undefined) next[at] = { ...next[at]!, ...patch };
    }
    if (!onPicker || !filter || chosen === undefined) return store.setState({ entries: next });
    // A filter may match rows that were still unread before the cursor's: the cursor follows its runbook.
    const moved = pickerRows(next, filter).findIndex((row) => row.section.id === chosen);
    store.setState({ entries: next, ...(moved >= 0 ? { cursor: { ...cursor, [PICKER_KEY]: moved } } : {}) });
  };
  setImmediate(() => {
    describe(apply, () => whileOnPicker(store)).catch((error: unknown) => {
      store.setState({ message: { text: `Could not read every runbook of the folder: ${error instanceof Error ? error.message : String(error)}`, tone: 'error' } });
    });
  });
}

const shown = (store: AppStore) => ['picker', 'help'].includes(store.getState().screen.name);

/** One turn of the event loop (keys and frames go first), then as long as the picker is off screen. */
function whileOnPicker(store: AppStore): Promise<void> {
  return new Promise((resolve) => {
    setImmediate(() => {
      if (shown(store)) return resolve();
      const unsubscribe = store.subscribe(() => {
        if (!shown(store)) return;
        unsubscribe();
        resolve();
      });
    });
  });
}

/** Rows already described, for the picker's header. */
export function describedCount(entries: readonly RunbookEntry[]): number {
  return entries.reduce((n, e) => (e.sections !== undefined || e.problem !== undefined ? n + 1 : n), 0);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What a picker row says after the title: where the file is and what is in it, that it is still being read, or why it cannot be opened. */
export function entryDetails(entry: RunbookEntry | undefined, file: string): string {
  if (entry?.problem) return entry.problem;
  file = entry?.label ?? file;
  if (entry?.sections === undefined) return `${file} · reading…`;
  const last = entry.lastSession ? entry.lastSession.slice(0, 16).replace('T', ' ') : 'never';
  return `${file} · ${plural(entry.sections, 'section')} · ${plural(entry.steps ?? 0, 'step')} · last session ${last}`;
}
