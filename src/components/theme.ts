// Colours for the TUI; with NO_COLOR set, none at all (state is still shown by words and marks).
import type { StepState } from '../session/view.js';

const noColor = () => process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '';

export function color(name: 'accent' | 'danger' | 'ok' | 'warn' | 'muted' | 'info'): string | undefined {
  if (noColor()) return undefined;
  return { accent: 'cyan', danger: 'red', ok: 'green', warn: 'yellow', muted: 'gray', info: 'blue' }[name];
}

export const STATE_MARK: Record<StepState, string> = { pending: '○', running: '◐', done: '✓', skipped: '–', failed: '✗' };

export function stateColor(state: StepState): string | undefined {
  return state === 'done' ? color('ok') : state === 'failed' ? color('danger') : state === 'running' ? color('warn') : state === 'skipped' ? color('muted') : undefined;
}
