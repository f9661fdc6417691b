// Where each value a step's actions need comes from, for the step screen: an earlier action that
// exported it, a value typed in a dialog, or the environment; else it is asked when the action runs.

import type { Environment } from '../exec/environment.js';
import type { Step } from '../runbook/model.js';
import { stepAndAction } from '../session/actionLabel.js';
import type { SessionView } from '../session/view.js';

export interface ValueOrigin {
  name: string;
  /** `NAMESPACE="blue" (set by step 1, action 1)`; undefined when nothing has given it yet. */
  text?: string;
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
