// The first frame's store: the state a new session's store starts in, made without the session
// controller (and the runners, guards, log and signing it brings in), so the screen is drawn while
// those load. Nothing here acts: the app holds the keys in the terminal until the real store replaces
// this one (src/tui.tsx), and they reach it in the order they were typed.

import { createStore } from 'zustand/vanilla';
import type { Environment } from '../exec/environment.js';
import type { SessionController } from '../session/controller.js';
import { emptyView } from '../session/view.js';
import type { AppStore } from './context.js';
import { initialState } from './initial.js';
import { navigationActions } from './navigation.js';
import type { AppActions, AppOptions, AppState } from './types.js';

type SessionActionNames = Exclude<keyof AppActions, keyof ReturnType<typeof navigationActions>>;

const nothing = async () => undefined;
/** Never called: no key reaches this store. */
const inert: Pick<AppActions, SessionActionNames> = {
  answer: () => undefined,
  run: nothing,
  cancelRun: () => undefined,
  mark: nothing,
  note: nothing,
  attach: nothing,
  copy: nothing,
  chooseEnvironment: nothing,
  quit: nothing,
  writeReport: nothing,
  update: nothing,
  escalate: nothing,
  severity: nothing,
};

/** The store a new controller's store would start as, on `env`, before there is a controller. */
export function createPreviewStore(options: AppOptions & { env: Environment }): AppStore {
  return createStore<AppState & AppActions>()((set, get) => {
    // Navigation reaches the controller only to open a runbook from the picker, which takes a key.
    const context = { set, get, options, controller: undefined as unknown as SessionController, ask: nothing, say: () => undefined };
    return { ...initialState(options, { env: options.env, view: emptyView() }), ...navigationActions(context), ...inert };
  });
}
