// The store's first state, from what the screens show of a session. Kept apart from the store (and
// from the session controller's class) so the first frame can be drawn before the controller loads.

import type { SessionController } from '../session/controller.js';
import { locateStep } from './rows.js';
import type { AppOptions, AppState, Screen, SessionSnapshot } from './types.js';

/** The part of the controller the screens read; a controller, or the first frame's stand-in for a new one. */
export type ControllerState = Pick<SessionController, 'env' | 'view' | 'session' | 'mirror' | 'startedAt' | 'loaded'>;

/** What the screens show of the session, copied from the controller whenever it changes. */
export function snapshot(controller: ControllerState): SessionSnapshot {
  return {
    env: controller.env,
    view: controller.view,
    ...(controller.session ? { session: controller.session } : {}),
    ...(controller.mirror ? { mirror: { health: controller.mirror.health, behind: controller.mirror.behind } } : {}),
    ...(controller.startedAt ? { sessionStartedAt: controller.startedAt } : {}),
  };
}

/** The first frame: the picker, the runbook's home, or the step a resumed session was last on. */
export function initialState(options: AppOptions, controller: ControllerState): AppState {
  const loaded = options.loaded ?? controller.loaded;
  const resumed = controller.session && controller.view.events > 0;
  const lastStep = resumed && loaded && controller.view.lastStep ? locateStep(loaded.runbook, controller.view.lastStep) : undefined;
  const screen: Screen = lastStep ? { name: 'step', sectionId: lastStep.section.id, stepId: lastStep.step.id } : { name: loaded ? 'home' : 'picker' };
  return {
    ...snapshot(controller),
    ...(options.entries ? { entries: options.entries } : {}),
    ...(loaded ? { file: loaded.file, runbook: loaded.runbook } : {}),
    screen,
    history: lastStep ? [{ name: 'home' }, { name: 'section', sectionId: lastStep.section.id }] : [],
    cursor: {},
    filter: '',
    filtering: false,
    outputTick: 0,
    promptId: 0,
    results: {},
    scroll: 0,
    exit: false,
    size: options.size ?? { columns: 80, rows: 24 },
    ...(resumed ? { message: { text: `Resumed session ${controller.session!.id}.`, tone: 'ok' as const } } : {}),
  };
}
