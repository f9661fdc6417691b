// The TUI's answers to what the session controller asks: each question is a dialog.

import type { SessionPrompts } from '../session/controller.js';
import type { Purpose } from '../session/events.js';
import type { PromptSpec } from './types.js';

export type Ask = (prompt: PromptSpec) => Promise<string | undefined>;
export type Say = (text: string, tone?: 'info' | 'error' | 'ok') => void;

async function askPurpose(ask: Ask): Promise<Purpose | undefined> {
  const kind = await ask({
    kind: 'choice',
    title: 'Start a session: what is it for?',
    options: [
      { label: 'Incident', value: 'incident' },
      { label: 'Drill', value: 'drill' },
      { label: 'Routine check', value: 'routine' },
    ],
  });
  if (kind !== 'incident') return kind === 'drill' || kind === 'routine' ? { kind } : undefined;
  const id = await ask({ kind: 'text', title: 'Incident', label: 'Incident id (e.g. INC-4711): ' });
  if (id === undefined) return undefined;
  const severity = await ask({ kind: 'text', title: 'Incident', label: 'Severity (1–4, empty if unknown): ' });
  if (severity === undefined) return undefined;
  return { kind: 'incident', ...(id ? { id } : {}), ...(severity ? { severity } : {}) };
}

export function dialogPrompts(ask: Ask, say: Say): SessionPrompts {
  return {
    purpose: () => askPurpose(ask),
    value: ({ name, secret, why }) =>
      ask({ kind: 'text', title: `Value for ${name}`, label: `${name}: `, mask: secret, hint: secret ? 'hidden as you type; recorded only as set' : 'remembered for this session', ...(why ? { note: why } : {}) }),
    confirmEnvironment: async (env) => {
      const typed = await ask({ kind: 'text', title: `${env.name.toUpperCase()} is a protected environment`, label: `Type ${env.name} to confirm: ` });
      if (typed === env.name) return { given: true, via: 'typed' };
      say(typed === undefined ? 'Not confirmed: nothing was run.' : `"${typed}" is not ${env.name}: nothing was run.`, 'error');
      return { given: false, asked: true };
    },
    confirmWrite: async ({ code, reasons, destructive, tier, env }) => {
      const answer = await ask({
        kind: 'confirm',
        title: destructive ? 'This action destroys data or resources' : tier === 'unknown' ? 'This action is not known to be read-only' : 'This action changes things',
        lines: [...code.split('\n'), '', ...reasons.map((r) => `• ${r}`), '', `Environment: ${env}`],
        danger: true,
      });
      return answer === 'yes' ? { given: true, via: 'confirmed' } : { given: false, asked: true };
    },
  };
}
