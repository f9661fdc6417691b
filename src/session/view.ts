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
/** `record[key] = value` as an own property even for `__proto__` (a step id comes from the log). */
const setOwn = <V>(record: Record<string, V>, key: string, value: V): void => {
  Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true });
};

type Containers = Pick<SessionView, 'steps' | 'marks' | 'doneOrder' | 'firstSeen' | 'notes' | 'values' | 'secretNames' | 'runs' | 'attachments' | 'envs'>;

/** What a whole-log fold keeps beside its view, so no event costs a scan of everything before it. */
interface FoldIndex {
  runAt: Map<number, number>;
  runningRuns: Set<number>;
  runningSteps: Set<string>;
  envs: Set<string>;
  secretNames: Set<string>;
}

/**
 * The view one event changes. Folding one event (the TUI, watch) copies each container it changes
 * once, so the view it was given stays as it was; folding a whole log (viewOf) owns its view and
 * changes it in place, with an index, so a log of n events costs n steps and not n².
 */
class Draft {
  private readonly copied = new Set<keyof Containers>();

  constructor(readonly view: SessionView, private readonly index?: FoldIndex) {}

  own<K extends keyof Containers>(key: K): SessionView[K] {
    if (this.index || this.copied.has(key)) return this.view[key];
    this.copied.add(key);
    const value = this.view[key];
    this.view[key] = (Array.isArray(value) ? [...value] : key === 'values' ? noPrototype(value as Record<string, string>) : { ...value }) as SessionView[K];
    return this.view[key];
  }

  setStep(step: string, state: SessionView['steps'][string]): void {
    setOwn(this.own('steps'), step, state);
    if (!this.index) return;
    if (state.state === 'running') this.index.runningSteps.add(step);
    else this.index.runningSteps.delete(step);
  }

  runningSteps(): string[] {
    if (this.index) return [...this.index.runningSteps];
    return Object.entries(this.view.steps).filter(([, s]) => s.state === 'running').map(([id]) => id);
  }

  addRun(run: ActionRun): void {
    const runs = this.own('runs');
    runs.push(run);
    if (!this.index) return;
    if (!this.index.runAt.has(run.run)) this.index.runAt.set(run.run, runs.length - 1);
    if (run.status === 'running') this.index.runningRuns.add(runs.length - 1);
  }

  /** Change the run an event names (the first with that seq); an unknown run changes nothing. */
  changeRun(run: unknown, change: (run: ActionRun) => ActionRun): void {
    const at = this.index ? (typeof run === 'number' ? (this.index.runAt.get(run) ?? -1) : -1) : this.view.runs.findIndex((r) => r.run === run);
    if (at >= 0) this.replaceRun(at, change);
  }

  private replaceRun(at: number, change: (run: ActionRun) => ActionRun): void {
    const runs = this.own('runs');
    runs[at] = change(runs[at]!);
    if (!this.index) return;
    if (runs[at]!.status === 'running') this.index.runningRuns.add(at);
    else this.index.runningRuns.delete(at);
  }

  /** Every run still running becomes interrupted. */
  interruptRuns(): void {
    const running = this.index ? [...this.index.runningRuns] : this.view.runs.flatMap((r, i) => (r.status === 'running' ? [i] : []));
    for (const at of running) this.replaceRun(at, (r) => ({ ...r, status: 'interrupted' }));
  }

  addEnv(env: unknown): void {
    const name = text(env);
    if (!name) return;
    this.view.env = name;
    if (this.index ? this.index.envs.has(name) : this.view.envs.includes(name)) return;
    this.own('envs').push(name);
    this.index?.envs.add(name);
  }

  addSecretName(name: string): void {
    if (this.index ? this.index.secretNames.has(name) : this.view.secretNames.includes(name)) return;
    this.own('secretNames').push(name);
    this.index?.secretNames.add(name);
  }
}

/** The view after one more event; `view` itself is left as it was. */
export function foldEvent(view: SessionView, record: EventRecord | SessionEvent): SessionView {
  const draft = new Draft({ ...view });
  apply(draft, record);
  return draft.view;
}

function apply(draft: Draft, record: EventRecord | SessionEvent): void {
  const view = draft.view;
  const step = text((record as { step?: unknown }).step);
  view.events = record.seq + 1;
  view.lastAt = record.ts;
  if (step) view.lastStep = step;
  if (step && !Object.hasOwn(view.firstSeen, step)) setOwn(draft.own('firstSeen'), step, record.ts);
  if (!isKnownEvent(record)) return;
  const event = record as SessionEvent;
  switch (event.type) {
    case 'started':
      view.startedAt = event.ts;
      draft.addEnv(event.env);
      return;
    case 'environment':
      draft.addEnv(event.env);
      return;
    case 'step': {
      if (!step) return;
      const reason = text(event.reason);
      draft.setStep(step, { state: event.status as StepState, ...(reason !== undefined ? { reason } : {}), at: event.ts });
      setOwn(draft.own('marks'), step, { status: event.status, at: event.ts, ...(reason !== undefined ? { reason } : {}) });
      if (event.status === 'done') draft.own('doneOrder').push(step);
      return;
    }
    case 'note':
      draft.own('notes').push({ seq: event.seq, ts: event.ts, text: String(event.text ?? ''), ...(step ? { step } : {}), ...(text(event.section) ? { section: event.section! } : {}) });
      return;
    case 'placeholder': {
      const name = text(event.name);
      if (!name) return;
      if (event.secret) draft.addSecretName(name);
      else draft.own('values')[name] = String(event.value ?? '');
      return;
    }
    case 'variables':
      view.carried = foldVariables(view.carried, event);
      return;
    case 'attachment':
      draft.own('attachments').push({ seq: event.seq, ts: event.ts, name: String(event.name), kind: String(event.kind), ...(step ? { step } : {}), ...(event.evidence ? { evidence: event.evidence } : {}) });
      return;
    case 'action.started': {
      if (step && view.steps[step]?.state !== 'done') draft.setStep(step, { state: 'running', at: event.ts });
      draft.addRun({ action: String(event.action), run: event.seq, status: 'running', startedAt: event.ts, outputs: [], ...defined({ step, kind: text(event.kind), code: text(event.code) }) });
      return;
    }
    case 'action.output':
      draft.changeRun(event.run, (run) => ({ ...run, outputs: [...run.outputs, outputOf(event)] }));
      return;
    case 'action.finished': {
      draft.changeRun(event.run, (run) => ({
        ...run,
        status: event.status as ActionRun['status'],
        finishedAt: event.ts,
        ...defined({ exitCode: count(event.exitCode), signal: text(event.signal), rows: count(event.rows), durationMs: count(event.durationMs), error: text(event.error) }),
      }));
      if (step && view.steps[step]?.state === 'running') draft.setStep(step, { state: 'pending', at: event.ts });
      return;
    }
    case 'action.refused':
      draft.addRun({ action: String(event.action), run: event.seq, status: 'refused', startedAt: event.ts, finishedAt: event.ts, outputs: [], error: String(event.reason ?? ''), ...defined({ step, kind: text(event.kind), code: text(event.code) }) });
      return;
    case 'interrupted':
    case 'resumed':
      // An action that was running when the session stopped never finished: it was interrupted.
      draft.interruptRuns();
      for (const id of draft.runningSteps()) draft.setStep(id, { state: 'pending', at: event.ts });
      return;
    case 'sealed':
      view.sealed = true;
      return;
    case 'escalated': {
      const level = text(event.level);
      if (level) view.escalation = { level, at: event.ts, ...defined({ note: text(event.note) }) };
      return;
    }
    case 'severity': {
      const to = text(event.to);
      if (to) view.severity = to;
      return;
    }
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

/** The whole log folded at once: the same view as folding each event in turn, in one pass. */
export function viewOf(events: ReadonlyArray<EventRecord | SessionEvent>): SessionView {
  const draft = new Draft(emptyView(), { runAt: new Map(), runningRuns: new Set(), runningSteps: new Set(), envs: new Set(), secretNames: new Set() });
  for (const event of events) apply(draft, event);
  return draft.view;
}
