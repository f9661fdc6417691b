// Every event a session log holds, one member of a discriminated union per type, with its fields.
// `Session.record` accepts only these; the fold (view.ts) reads them. A log read back from disk is
// still checked field by field where it is folded: it may come from an older version, or be damaged.

import type { EventRecord } from './chain.js';
import type { EvidenceRef } from './evidence.js';
import type { RedactionCounts } from './redact.js';
import type { EnvironmentTarget } from '../exec/target.js';

export type Purpose =
  | { kind: 'incident'; id?: string; title?: string; severity?: string }
  | { kind: 'drill'; title?: string }
  | { kind: 'routine'; title?: string };

export type StepStatus = 'done' | 'skipped' | 'failed' | 'pending';

/** Where an event happened: every event names its runbook, section and step when it has them. */
export type Where = {
  runbook?: string;
  section?: string;
  step?: string;
};

export type RunStatus = 'ok' | 'failed' | 'refused' | 'cancelled';

type ActionRef = Where & {
  /** `<step id>#<n>` */
  action: string;
};

/** The fields of each event type, as recorded (seq, ts, type and prev are added by the log). */
export type EventFields = {
  started: {
    runbook: { path: string; sha256: string; title: string };
    section?: { id: string; title: string };
    env: string;
    /** Where the environment's actions ran: host, database or sandbox copy, never credentials. */
    target?: EnvironmentTarget;
    purpose: Purpose;
    operator: string;
    host: string;
    tool: { name: string; version: string };
    /** The SHA-256 of the runbook as the last session on it ran it, when that differs. */
    previousSha256?: string;
  };
  resumed: { pid: number; host: string; previous?: unknown };
  recovered: { torn: { file: string; bytes: number; sha256: string } };
  step: Where & { status: StepStatus; reason?: string; redactions?: RedactionCounts };
  note: Where & { text: string; redactions?: RedactionCounts; automatic?: boolean };
  placeholder: Where & { name: string; value: string; secret?: true };
  attachment: Where & { name: string; kind: 'file' | 'text'; evidence: EvidenceRef };
  confirmed: (Where & { what: 'environment'; env: string; via: string }) | (ActionRef & { what: 'write' | 'destructive'; reasons: string[] });
  environment: { env: string; target?: EnvironmentTarget; /** Config values fetched from a command (names only, never values). */ fromCommand?: string[] };
  /** A status update for the team: typed by the operator, or sent on start, a failed or skipped step, the seal. */
  update: Where & { kind: string; text: string; redactions?: RedactionCounts; /** The webhook's host, when one is configured. */ to?: string };
  /** A status update that could not be posted (the update itself is the event `update`). */
  'update.failed': { update: number; kind: string; error: string };
  escalated: Where & { level: string; note?: string; redactions?: RedactionCounts };
  severity: { from?: string; to: string };
  'action.started': ActionRef & { kind: string; code: string; line?: number; env?: string; tier?: GuardTier };
  'action.output': ActionRef & {
    run: number;
    evidence?: EvidenceRef;
    /** Shell output. */
    stream?: string;
    lines?: number;
    /** A SQL statement's result. */
    statement?: number;
    command?: string | null;
    columns?: string[];
    rows?: number;
    durationMs?: number;
    /** The result stopped part-way (cancelled, timed out): the evidence holds only the rows that came. */
    partial?: true;
    /** A Supabase call. */
    verb?: string;
    summary?: string[];
  };
  'action.finished': ActionRef & {
    run: number;
    status: RunStatus;
    durationMs?: number;
    exitCode?: number | null;
    signal?: string | null;
    timedOut?: true;
    notFound?: string;
    error?: string;
    rows?: number;
    notices?: string[];
    sqlstate?: string;
    note?: string;
  };
  'action.refused': ActionRef & { kind: string; code: string; line?: number; reason: string; risk?: string[]; tier?: GuardTier };
  /**
   * What a shell action exported when it ended (new or changed), and which carried variables it
   * unset. A secret value is never recorded (`secret: true`, no value); `notCarried` says why a
   * variable does not reach later actions (a name that changes how commands run, a value too long);
   * `reason` why nothing of this action carries (it failed, or its exports could not be read).
   */
  variables: ActionRef & {
    run: number;
    set: CarriedEntry[];
    unset?: string[];
    reason?: string;
  };
  /** The session stopped (or, with `run`, an action was cut off by a signal to runbook itself). */
  interrupted: { reason: string } & Partial<ActionRef & { run: number }>;
  sealed: { signer: string; key: string; fingerprint: string; events: number; head: string };
};

/** One exported variable in a `variables` event. */
export type CarriedEntry = { name: string; value?: string; secret?: true; notCarried?: string };

/** The guard's verdict on the code as it ran: known read-only, writing, or not known. */
export type GuardTier = 'read' | 'write' | 'unknown';

export type EventType = keyof EventFields;

// Type aliases, not interfaces, so that an event is also an EventRecord.
type Envelope<T extends EventType> = {
  seq: number;
  ts: string;
  type: T;
  prev: string;
};

/** One event as recorded. */
export type SessionEvent = { [T in EventType]: Envelope<T> & EventFields[T] }[EventType];

export type EventOf<T extends EventType> = Extract<SessionEvent, { type: T }>;

export const EVENT_TYPES: readonly EventType[] = [
  'started', 'resumed', 'recovered', 'step', 'note', 'placeholder', 'attachment', 'confirmed', 'environment',
  'action.started', 'action.output', 'action.finished', 'action.refused', 'interrupted', 'sealed',
  'update', 'update.failed', 'escalated', 'severity', 'variables',
];

const KNOWN = new Set<string>(EVENT_TYPES);

/** Whether a record read from a log is of a type this version knows (the fold skips the others). */
export function isKnownEvent(event: EventRecord | SessionEvent): event is SessionEvent {
  return KNOWN.has(event.type);
}
