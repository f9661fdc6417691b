// What the screens' key handler needs besides the binding table: editing the filter line, and how
// long the keys after a command wait for it.

import type { Key } from '../input/splitKeys.js';
import { typedText } from '../input/splitKeys.js';
import type { AppState, AppStore } from '../state/store.js';

type Live = ReturnType<AppStore['getState']>;

/**
 * The filter line takes every key while it is open: Enter keeps the filter, Esc clears it, and
 * nothing else happens on that key (one Enter never both keeps the filter and opens a section).
 */
export function editFilter(state: Live, key: Key): void {
  if (key.return) return state.endFilter(true);
  if (key.escape) return state.endFilter(false);
  if (key.backspace || key.delete) return state.setFilter(state.filter.slice(0, -1));
  if (key.ctrl && key.input === 'u') return state.setFilter('');
  if (key.ctrl && key.input === 'c') return state.endFilter(false);
  const text = typedText(key);
  if (text) state.setFilter(state.filter + text);
}

/**
 * A command's promise as the time its following keys wait: until it settles, or until an action is
 * running (so x and Ctrl-C reach it). Dialogs it opens take keys meanwhile (they sit on a higher layer).
 */
export function untilSettledOrRunning(store: AppStore, work: Promise<unknown>): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      unsubscribe();
      resolve();
    };
    const unsubscribe = store.subscribe((s: AppState) => {
      if (s.running) done();
    });
    work.then(done, done);
  });
}

/** Says something on the message line without a store action for it. */
export function tell(store: AppStore, text: string, tone: 'info' | 'error' | 'ok' = 'info'): void {
  store.setState({ message: { text, tone } });
}
