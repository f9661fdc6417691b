// The TUI's state as a zustand store: screen, cursor, prompts, panes. Everything done with the
// session goes through the session controller, the same one `runbook exec` drives. No Ink here.

import { createStore } from 'zustand/vanilla';
import { SessionController } from '../session/controller.js';
import type { AppStore } from './context.js';
import { navigationActions } from './navigation.js';
import { initialState, snapshot } from './initial.js';
import { fillPickerEntries } from './pickerFill.js';
import { dialogPrompts } from './prompts.js';
import { sessionActions } from './sessionActions.js';
import type { AppActions, AppOptions, AppState, PromptSpec } from './types.js';

export type * from './types.js';
export type { AppStore } from './context.js';

export function createAppStore(options: AppOptions): AppStore {
  const store = createStore<AppState & AppActions>()((set, get) => {
    let pendingAnswer: ((value: string | undefined) => void) | undefined;
    const say = (text: string, tone: 'info' | 'error' | 'ok' = 'info') => set({ message: { text, tone } });
    /** Ask the operator something; resolves with the answer, or undefined when they press Esc. */
    const ask = (prompt: PromptSpec): Promise<string | undefined> =>
      new Promise((resolve) => {
        pendingAnswer = resolve;
        set({ prompt, promptId: get().promptId + 1 });
      });
    const answer = (value: string | undefined) => {
      const resolve = pendingAnswer;
      pendingAnswer = undefined;
      set({ prompt: undefined });
      resolve?.(value);
    };

    const controller = options.controller ?? createController(options);
    controller.answerWith(dialogPrompts(ask, say));
    controller.onChange(() => set(snapshot(controller)));
    const context = { set, get, options, controller, ask, say };
    return { ...initialState(options, controller), answer, ...navigationActions(context), ...sessionActions(context) };
  });
  fillPickerEntries(store, options.describeEntries);
  return store;
}

/** The session controller the TUI drives, from its options (the store answers its questions). */
export function createController(options: AppOptions): SessionController {
  const controllerOptions = {
    ...(options.env ? { env: options.env } : {}),
    ...(options.purpose ? { purpose: options.purpose } : {}),
    ...(options.signer ? { signer: options.signer } : {}),
    ...(options.sessionRoot ? { sessionRoot: options.sessionRoot } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
  };
  const controller = options.resume ? SessionController.adopt(options.resume, controllerOptions) : new SessionController(controllerOptions);
  if (options.loaded) controller.useRunbook(options.loaded);
  return controller;
}
