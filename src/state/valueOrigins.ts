// Where each value a step's actions need comes from, for the step screen: an earlier action that
// exported it, a value typed in a dialog, or the environment; else it is asked when the action runs.

import type { Environment } from '../exec/environment.js';
import type { Step } from '../runbook/model.js';
import type { SessionView } from '../session/view.js';

export interface ValueOrigin {
  name: string;
  /** `NAMESPACE="blue" (set by step 1, action 1)`; undefined when nothing has given it yet. */
  text?: string;
}

/** `section/2.1#3` → `step 2.1, action 3` (the section is named when it is not the current one). */
export function stepAndAction(actionId: string, currentSection?: string): string {
  const hash = actionId.lastIndexOf('#');
  const stepId = hash < 0 ? actionId : actionId.slice(0, hash);
  const slash = stepId.lastIndexOf('/');
  const section = slash < 0 ? undefined : stepId.slice(0, slash);
  const number = slash < 0 ? stepId : stepId.slice(slash + 1);
  return `step ${number}${section && section !== currentSection ? ` of ${section}` : ''}${hash < 0 ? '' : `, action ${actionId.slice(hash + 1)}`}`;
}

const shown = (value: string) => JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);

export function valueOrigins(step: Step, view: SessionView, env: Environment, sectionId?: string): ValueOrigin[] {
  const names = [...new Set(step.actions.filter((a) => a.kind !== 'url').flatMap((a) => [...a.placeholders, ...(a.env ?? [])]))];
  const fromEnv = new Set(step.actions.flatMap((a) => a.env ?? []));
  return names.map((name) => {
    const carried = Object.hasOwn(view.carried, name) ? view.carried[name]! : undefined;
    if (carried) return { name, text: `${name}${carried.secret ? ' (secret)' : `=${shown(carried.value ?? '')}`} (set by ${stepAndAction(carried.from, sectionId)})` };
    if (Object.hasOwn(view.values, name)) return { name, text: `${name}=${shown(view.values[name]!)} (typed)` };
    if (view.secretNames.includes(name)) return { name, text: `${name} (secret, typed)` };
    if (fromEnv.has(name) && env.vars[name] !== undefined) return { name, text: `${name} (environment)` };
    return { name };
  });
}
