// Moving around: screens, cursors, the filter, help and scrolling. UI state only.

import { screenKey, screenSection, type StoreContext } from './context.js';
import { cachedPickerRows, checklistRows, homeRows, locateStep } from './rows.js';
import type { AppActions, Screen } from './types.js';

type NavigationActions = Pick<AppActions, 'setSize' | 'rows' | 'selectedStep' | 'move' | 'open' | 'back' | 'startFilter' | 'setFilter' | 'endFilter' | 'help' | 'scrollOutput'>;

export function navigationActions({ set, get, options, controller, say }: StoreContext): NavigationActions {
  return {
    setSize: (columns, rows) => set({ size: { columns, rows } }),

    rows: () => {
      const { screen, runbook, view, filter, entries } = get();
      if (screen.name === 'picker') return cachedPickerRows(entries ?? [], filter);
      if (!runbook) return [];
      if (screen.name === 'home') return homeRows(runbook, view, filter);
      const section = screen.name === 'section' ? screenSection(get) : undefined;
      return section ? checklistRows(section, view, filter) : [];
    },

    selectedStep: () => {
      const { screen, runbook, cursor } = get();
      if (!runbook) return undefined;
      if (screen.name === 'step' && screen.stepId) return locateStep(runbook, screen.stepId);
      const row = get().rows()[cursor[screenKey(screen)] ?? 0];
      return row?.kind === 'step' ? locateStep(runbook, row.step.id) : undefined;
    },

    move: (delta) => {
      const { screen, cursor } = get();
      const count = get().rows().length;
      if (!count) return;
      const key = screenKey(screen);
      set({ cursor: { ...cursor, [key]: Math.max(0, Math.min(count - 1, (cursor[key] ?? 0) + delta)) } });
    },

    open: async () => {
      const { screen, cursor, history } = get();
      const row = get().rows()[cursor[screenKey(screen)] ?? 0];
      if (!row) return;
      if (screen.name === 'picker') {
        if (!options.loadRunbook) return;
        try {
          const loaded = await options.loadRunbook(row.section.id);
          controller.useRunbook(loaded);
          set({ file: loaded.file, runbook: loaded.runbook, screen: { name: 'home' }, history: [...history, screen], filter: '', filtering: false, message: undefined });
        } catch (error) {
          say((error as Error).message, 'error');
        }
        return;
      }
      if (screen.name === 'section' && row.kind === 'section') return;
      const next: Screen = row.kind === 'section' ? { name: 'section', sectionId: row.section.id } : { name: 'step', sectionId: row.section.id, stepId: row.step.id };
      set({ screen: next, history: [...history, screen], filter: '', filtering: false, scroll: 0, message: undefined });
    },

    back: () => {
      const { history, screen: leaving } = get();
      if (get().filtering) return get().endFilter(false);
      if (!history.length) return;
      const target = history[history.length - 1]!;
      set({ screen: target, history: history.slice(0, -1), filter: '', filtering: false, scroll: 0, message: undefined });
      // The cursor goes back to the row the operator came from, even when a filter had moved it.
      const from = get().rows().findIndex((r) => (leaving.stepId ? r.kind === 'step' && r.step.id === leaving.stepId : r.kind === 'section' && r.section.id === leaving.sectionId));
      if (from >= 0) set({ cursor: { ...get().cursor, [screenKey(target)]: from } });
    },

    startFilter: () => set({ filtering: true, filter: '' }),
    setFilter: (text) => {
      const key = screenKey(get().screen);
      set({ filter: text });
      // The cursor goes to the first section whose title matches: that is what the operator is typing.
      const titled = get().rows().findIndex((r) => r.kind === 'section' && r.section.title.toLowerCase().includes(text.toLowerCase()));
      set({ cursor: { ...get().cursor, [key]: Math.max(0, titled) } });
    },
    endFilter: (keep) => set({ filtering: false, ...(keep ? {} : { filter: '' }) }),

    help: () => {
      const { screen, history } = get();
      if (screen.name === 'help') return get().back();
      set({ screen: { name: 'help' }, history: [...history, screen], message: undefined });
    },

    scrollOutput: (delta) => set({ scroll: Math.max(0, get().scroll + delta) }),

  };
}
