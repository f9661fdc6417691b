// The one fold of a session log: what it says about each step, run, note and attachment. The TUI
// folds each new event as it is recorded, `runbook resume` the whole log, the report and `watch` the
// same way. `foldEvent` never changes the view it is given: it returns a new one that shares what
// did not change, so a store that keeps the old view sees it unchanged.

import type { EventRecord } from './chain.js';
import type { EventOf, SessionEvent, StepStatus } from './events.js';
import { isKnownEvent } from './events.js';
import type { EvidenceRef } from './evidence.js';

export type StepState = 'pending' | 'running' | 'done' | 'skipped' | 'failed';

export interface ActionRun {
  action: string;
  step?: string;
  /** The seq of its `action.started` (or `action.refused`) event. */
  run: number;
  kind?: string;
  code?: string;
  status: 'running' | 'ok' | 'failed' | 'refused' | 'cancelled' | 'interrupted';
  startedAt: string;
  finishedAt?: string;
  exitCode?: number;
  signal?: string;
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

export interface Attachment {
  seq: number;
  ts: string;
  step?: string;
  name: string;
  kind: string;
  evidence?: EvidenceRef;
}

/** A status the operator (or exec) recorded for a step, as opposed to `running` while an action runs. */
export interface StepMark {
  status: StepStatus;
  at: string;
  reason?: string;
}

/** A variable an earlier action exported, which later actions of the session get. */
export interface CarriedVariable {
  /** Absent when secret: the log never holds it, and a resumed session asks for it again. */
  value?: string;
  secret?: true;
  /** The action that set it (`<step id>#<n>`), its step, and its run (the seq of its `action.started`). */
  from: string;
  step?: string;
  run: number;
}

export interface SessionView {
  /** Each step's state as shown: marks, and `running` while one of its actions runs. */
  steps: Record<string, { state: StepState; reason?: string; at?: string }>;
  /** The last status recorded for each step. */
  marks: Record<string, StepMark>;
  /** Steps in the order they were marked done (a step marked twice appears twice). */
  doneOrder: string[];
  /** When each step was first named by an event. */
  firstSeen: Record<string, string>;
  notes: Note[];
  /** Non-secret placeholder values; secret ones are only known to be set. */
  values: Record<string, string>;
  secretNames: string[];
  /** Variables earlier actions exported, by name, as later actions get them. */
  carried: Record<string, CarriedVariable>;
  runs: ActionRun[];
  attachments: Attachment[];
  /** The step the operator was last busy with. */
  lastStep?: string;
  /** The environment the session is on now, and every one it used, in order. */
  env?: string;
  envs: string[];
  startedAt?: string;
  lastAt?: string;
  sealed: boolean;
  events: number;
  /** The last escalation level and the severity as changed during the session. */
  escalation?: { level: string; note?: string; at: string };
  severity?: string;
}

export function emptyView(): SessionView {
  return { steps: {}, marks: {}, doneOrder: [], firstSeen: {}, notes: [], values: noPrototype({}), secretNames: [], carried: Object.create(null) as Record<string, CarriedVariable>, runs: [], attachments: [], envs: [], sealed: false, events: 0 };
}

/** Values keyed by placeholder name: `constructor` or `toString` must not be found on a prototype. */
const noPrototype = (...parts: Array<Record<string, string>>): Record<string, string> => Object.assign(Object.create(null) as Record<string, string>, ...parts);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const count = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
const defined = <T extends object>(fields: T): Partial<T> =>
  Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;

function withRun(view: SessionView, run: unknown, change: (run: ActionRun) => ActionRun): ActionRun[] {
  const at = view.runs.findIndex((r) => r.run === run);
  if (at < 0) return view.runs;
  const runs = [...view.runs];
  runs[at] = change(runs[at]!);
  return runs;
}

function withEnv(view: SessionView, env: unknown): Partial<SessionView> {
  const name = text(env);
  if (!name) return {};
  return { env: name, envs: view.envs.includes(name) ? view.envs : [...view.envs, name] };
}

/** The view after one more event; `view` itself is left as it was. */
export function foldEvent(view: SessionView, record: EventRecord | SessionEvent): SessionView {
  const step = text((record as { step?: unknown }).step);
  const next: SessionView = {
    ...view,
    events: record.seq + 1,
    lastAt: record.ts,
    ...(step ? { lastStep: step } : {}),
    ...(step && !Object.hasOwn(view.firstSeen, step) ? { firstSeen: { ...view.firstSeen, [step]: record.ts } } : {}),
  };
  if (!isKnownEvent(record)) return next;
  const event = record as SessionEvent;
  switch (event.type) {
    case 'started':
      return { ...next, startedAt: event.ts, ...withEnv(view, event.env) };
    case 'environment':
      return { ...next, ...withEnv(view, event.env) };
    case 'step': {
      if (!step) return next;
      const reason = text(event.reason);
      const mark: StepMark = { status: event.status, at: event.ts, ...(reason !== undefined ? { reason } : {}) };
      return {
        ...next,
        steps: { ...view.steps, [step]: { state: event.status as StepState, ...(reason !== undefined ? { reason } : {}), at: event.ts } },
        marks: { ...view.marks, [step]: mark },
        ...(event.status === 'done' ? { doneOrder: [...view.doneOrder, step] } : {}),
      };
    }
    case 'note':
      return { ...next, notes: [...view.notes, { seq: event.seq, ts: event.ts, text: String(event.text ?? ''), ...(step ? { step } : {}), ...(text(event.section) ? { section: event.section! } : {}) }] };
    case 'placeholder': {
      const name = text(event.name);
      if (!name) return next;
      if (event.secret) return view.secretNames.includes(name) ? next : { ...next, secretNames: [...view.secretNames, name] };
      return { ...next, values: noPrototype(view.values, { [name]: String(event.value ?? '') }) };
    }
    case 'variables':
      return { ...next, carried: foldVariables(view.carried, event) };
    case 'attachment':
      return { ...next, attachments: [...view.attachments, { seq: event.seq, ts: event.ts, name: String(event.name), kind: String(event.kind), ...(step ? { step } : {}), ...(event.evidence ? { evidence: event.evidence } : {}) }] };
    case 'action.started': {
      const run: ActionRun = { action: String(event.action), run: event.seq, status: 'running', startedAt: event.ts, outputs: [], ...defined({ step, kind: text(event.kind), code: text(event.code) }) };
      const running = step && view.steps[step]?.state !== 'done' ? { steps: { ...view.steps, [step]: { state: 'running' as const, at: event.ts } } } : {};
      return { ...next, runs: [...view.runs, run], ...running };
    }
    case 'action.output':
      return { ...next, runs: withRun(view, event.run, (run) => ({ ...run, outputs: [...run.outputs, outputOf(event)] })) };
    case 'action.finished': {
      const runs = withRun(view, event.run, (run) => ({
        ...run,
        status: event.status as ActionRun['status'],
        finishedAt: event.ts,
        ...defined({ exitCode: count(event.exitCode), signal: text(event.signal), rows: count(event.rows), durationMs: count(event.durationMs), error: text(event.error) }),
      }));
      const settled = step && view.steps[step]?.state === 'running' ? { steps: { ...view.steps, [step]: { state: 'pending' as const, at: event.ts } } } : {};
      return { ...next, runs, ...settled };
    }
    case 'action.refused':
      return {
        ...next,
        runs: [...view.runs, { action: String(event.action), run: event.seq, status: 'refused', startedAt: event.ts, finishedAt: event.ts, outputs: [], error: String(event.reason ?? ''), ...defined({ step, kind: text(event.kind), code: text(event.code) }) }],
      };
    case 'interrupted':
    case 'resumed': {
      // An action that was running when the session stopped never finished: it was interrupted.
      const runs = view.runs.some((r) => r.status === 'running') ? view.runs.map((r) => (r.status === 'running' ? { ...r, status: 'interrupted' as const } : r)) : view.runs;
      const stuck = Object.entries(view.steps).filter(([, s]) => s.state === 'running');
      const steps = stuck.length ? { ...view.steps, ...Object.fromEntries(stuck.map(([id]) => [id, { state: 'pending' as const, at: event.ts }])) } : view.steps;
      return { ...next, runs, steps };
    }
    case 'sealed':
      return { ...next, sealed: true };
    case 'escalated': {
      const level = text(event.level);
      return level ? { ...next, escalation: { level, at: event.ts, ...defined({ note: text(event.note) }) } } : next;
    }
    case 'severity': {
      const to = text(event.to);
      return to ? { ...next, severity: to } : next;
    }
    default:
      return next;
  }
}

function foldVariables(carried: Record<string, CarriedVariable>, event: EventOf<'variables'>): Record<string, CarriedVariable> {
  if (text(event.reason) !== undefined || !Array.isArray(event.set)) return carried;
  const out: Record<string, CarriedVariable> = Object.assign(Object.create(null) as Record<string, CarriedVariable>, carried);
  const action = String(event.action);
  const step = text(event.step);
  for (const entry of event.set) {
    const name = text(entry?.name);
    if (!name || entry.notCarried !== undefined) continue;
    const value = text(entry.value);
    if (!entry.secret && value === undefined) continue;
    out[name] = { ...(entry.secret ? { secret: true as const } : { value: value! }), from: action, run: count(event.run) ?? event.seq, ...(step ? { step } : {}) };
  }
  for (const name of Array.isArray(event.unset) ? event.unset : []) if (typeof name === 'string') delete out[name];
  return out;
}

function outputOf(event: EventOf<'action.output'>): ActionRun['outputs'][number] {
  return defined({
    evidence: event.evidence,
    columns: Array.isArray(event.columns) ? event.columns : undefined,
    rows: count(event.rows),
    command: text(event.command),
  });
}

export function viewOf(events: ReadonlyArray<EventRecord | SessionEvent>): SessionView {
  return events.reduce(foldEvent, emptyView());
}
