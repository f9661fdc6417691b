// What a session says about each step, folded from its events. The TUI applies each new event as it
// is recorded; `runbook resume` applies the whole log; reports read the same view.

import type { EventRecord } from './chain.js';
import type { EvidenceRef } from './evidence.js';

export type StepState = 'pending' | 'running' | 'done' | 'skipped' | 'failed';

export interface ActionRun {
  action: string;
  step?: string;
  run: number;
  kind?: string;
  code?: string;
  status: 'running' | 'ok' | 'failed' | 'refused' | 'cancelled' | 'interrupted';
  startedAt: string;
  finishedAt?: string;
  exitCode?: number;
  rows?: number;
  durationMs?: number;
  error?: string;
  outputs: Array<{ evidence?: EvidenceRef; columns?: string[]; rows?: number; command?: string }>;
}

export interface Note {
  seq: number;
  ts: string;
  step?: string;
  section?: string;
  text: string;
}

export interface SessionView {
  steps: Record<string, { state: StepState; reason?: string; at?: string }>;
  notes: Note[];
  /** Non-secret placeholder values; secret ones are only known to be set. */
  values: Record<string, string>;
  secretNames: string[];
  runs: ActionRun[];
  attachments: Array<{ seq: number; step?: string; name: string; kind: string; evidence?: EvidenceRef }>;
  /** The step the operator was last busy with. */
  lastStep?: string;
  sealed: boolean;
  events: number;
}

export function emptyView(): SessionView {
  return { steps: {}, notes: [], values: {}, secretNames: [], runs: [], attachments: [], sealed: false, events: 0 };
}

/** Apply one event to the view (mutates and returns it, so following a live session stays cheap). */
export function applyEvent(view: SessionView, event: EventRecord): SessionView {
  view.events = event.seq + 1;
  const step = typeof event.step === 'string' ? event.step : undefined;
  if (step) view.lastStep = step;
  switch (event.type) {
    case 'step':
      if (step) view.steps[step] = { state: event.status as StepState, ...(typeof event.reason === 'string' ? { reason: event.reason } : {}), at: event.ts };
      break;
    case 'note':
      view.notes.push({ seq: event.seq, ts: event.ts, text: String(event.text ?? ''), ...(step ? { step } : {}), ...(typeof event.section === 'string' ? { section: event.section } : {}) });
      break;
    case 'placeholder':
      if (typeof event.name === 'string') {
        if (event.secret) view.secretNames = [...new Set([...view.secretNames, event.name])];
        else view.values[event.name] = String(event.value ?? '');
      }
      break;
    case 'attachment':
      view.attachments.push({ seq: event.seq, name: String(event.name), kind: String(event.kind), ...(step ? { step } : {}), ...(event.evidence ? { evidence: event.evidence as EvidenceRef } : {}) });
      break;
    case 'action.started':
      view.runs.push({ action: String(event.action), run: event.seq, status: 'running', startedAt: event.ts, outputs: [], ...(step ? { step } : {}), ...(typeof event.kind === 'string' ? { kind: event.kind } : {}), ...(typeof event.code === 'string' ? { code: event.code } : {}) });
      if (step && view.steps[step]?.state !== 'done') view.steps[step] = { state: 'running', at: event.ts };
      break;
    case 'action.output': {
      const run = view.runs.find((r) => r.run === event.run);
      run?.outputs.push({
        ...(event.evidence ? { evidence: event.evidence as EvidenceRef } : {}),
        ...(Array.isArray(event.columns) ? { columns: event.columns as string[] } : {}),
        ...(typeof event.rows === 'number' ? { rows: event.rows } : {}),
        ...(typeof event.command === 'string' ? { command: event.command } : {}),
      });
      break;
    }
    case 'action.finished': {
      const run = view.runs.find((r) => r.run === event.run);
      if (run) {
        run.status = event.status as ActionRun['status'];
        run.finishedAt = event.ts;
        if (typeof event.exitCode === 'number') run.exitCode = event.exitCode;
        if (typeof event.rows === 'number') run.rows = event.rows;
        if (typeof event.durationMs === 'number') run.durationMs = event.durationMs;
        if (typeof event.error === 'string') run.error = event.error;
      }
      if (step && view.steps[step]?.state === 'running') view.steps[step] = { state: 'pending', at: event.ts };
      break;
    }
    case 'action.refused':
      view.runs.push({ action: String(event.action), run: event.seq, status: 'refused', startedAt: event.ts, finishedAt: event.ts, outputs: [], error: String(event.reason ?? ''), ...(step ? { step } : {}), ...(typeof event.code === 'string' ? { code: event.code } : {}) });
      break;
    case 'interrupted':
    case 'resumed':
      // An action that was running when the session stopped never finished: it was interrupted.
      for (const run of view.runs) if (run.status === 'running') run.status = 'interrupted';
      for (const [id, s] of Object.entries(view.steps)) if (s.state === 'running') view.steps[id] = { state: 'pending', at: event.ts };
      break;
    case 'sealed':
      view.sealed = true;
      break;
  }
  return view;
}

export function viewOf(events: EventRecord[]): SessionView {
  const view = emptyView();
  for (const event of events) applyEvent(view, event);
  return view;
}
