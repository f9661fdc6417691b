// What the store's action groups share: the store's own get/set, the options it was made with, the
// session controller, and the dialog helpers.

import type { StoreApi } from 'zustand/vanilla';
import type { Section } from '../runbook/model.js';
import { findSectionById } from '../runbook/walk.js';
import type { SessionController } from '../session/controller.js';
import type { Ask, Say } from './prompts.js';
import type { AppActions, AppOptions, AppState, Screen } from './types.js';

export type AppStore = StoreApi<AppState & AppActions>;

export interface StoreContext {
  set: AppStore['setState'];
  get: AppStore['getState'];
  options: AppOptions;
  controller: SessionController;
  ask: Ask;
  say: Say;
}

/** Each screen keeps its own cursor. */
export const screenKey = (screen: Screen) => `${screen.name}:${screen.sectionId ?? ''}:${screen.stepId ?? ''}`;

/** The section the current screen shows. */
export function screenSection(get: AppStore['getState']): Section | undefined {
  const { runbook, screen } = get();
  return runbook && screen.sectionId ? findSectionById(runbook, screen.sectionId) : undefined;
}
