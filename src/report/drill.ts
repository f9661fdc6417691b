// The drill measured from its session: when each step started and ended, and the RTO from the first
// restore step started to the last smoke check passed. Manual steps have no start event; one is timed
// from the event before its first (the moment the operator was free to start it) to its done event.

import { UsageError } from '../errors.js';
import type { EventRecord } from '../session/chain.js';

export interface DrillStep {
  step: string;
  label: string;
  start: string;
  /** How the start was found: an action started, or the event just before a manual step's first. */
  startedBy: 'action' | 'previous event';
  end?: string;
  outcome: 'done' | 'failed' | 'skipped' | 'open';
  /** Commands and queries run for it (0: a manual step). */
  actions: number;
}

export interface RtoPoint {
  step: string;
  label: string;
  at: string;
  /** Why this step: named with --rto-from/--rto-to, or recognised from its text. */
  chosen: 'option' | 'restore step' | 'smoke check' | 'session start' | 'last step done';
}

export interface DrillRecord {
  steps: DrillStep[];
  rtoMs?: number;
  rtoFrom?: RtoPoint;
  rtoTo?: RtoPoint;
  /** What made the measure less than exact, in one sentence each. */
  rtoNotes: string[];
  rpo?: string;
  rtoTarget?: string;
  rpoTarget?: string;
}

export interface DrillOptions {
  rtoFrom?: string;
  rtoTo?: string;
  rpo?: string;
  rtoTarget?: string;
  rpoTarget?: string;
}

export const RESTORE_STEP = /restor|backup|snapshot|\bwal\b|replay|\bpitr\b|point[- ]in[- ]time|recover|spin up|provision|failover|promote/i;
export const SMOKE_STEP = /smoke|verif|validat|sanity|health|check|confirm|(?<![\w-])tests?\b/i;

/** Plain words of a step label, for matching (Markdown marks do not count). */
const words = (label: string) => label.replace(/[`*_\\[\]]/g, '');

export function stepTimings(events: EventRecord[], label: (step: string) => string): DrillStep[] {
  const steps = new Map<string, DrillStep>();
  events.forEach((event, i) => {
    const step = typeof event.step === 'string' ? event.step : undefined;
    if (!step) return;
    let entry = steps.get(step);
    if (!entry) {
      const byAction = event.type === 'action.started';
      entry = { step, label: label(step), start: byAction ? event.ts : (events[i - 1]?.ts ?? event.ts), startedBy: byAction ? 'action' : 'previous event', outcome: 'open', actions: 0 };
      steps.set(step, entry);
    }
    if (event.type === 'action.started') entry.actions++;
    if (event.type === 'step') {
      const status = String(event.status);
      entry.outcome = status === 'done' || status === 'failed' || status === 'skipped' ? status : 'open';
      entry.end = event.ts;
    }
  });
  return [...steps.values()];
}

function named(steps: DrillStep[], wanted: string, option: string): DrillStep {
  const lower = wanted.toLowerCase();
  const found = steps.find((s) => s.step === wanted) ?? steps.find((s) => words(s.label).toLowerCase().includes(lower));
  if (!found) throw new UsageError(`${option} "${wanted}" names no step of this session; give a step id (as in runbook list --json) or words of its title.`);
  return found;
}

const LOG_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
/** A pause between two events longer than this is more likely a clock set forward than a real one. */
const CLOCK_JUMP_MS = 12 * 3600 * 1000;

/**
 * Where the session's clock did not run straight: an event earlier than the one before it (a clock set
 * back), a jump of more than 12 hours, or a time that is not one. Each as a sentence of plain text.
 */
export function clockProblems(events: EventRecord[]): { notes: string[]; unreliable: boolean } {
  const notes: string[] = [];
  let unreliable = false;
  let previous: { at: number; ts: string } | undefined;
  const hms = (ts: string) => ts.slice(11, 19);
  for (const event of events) {
    const at = typeof event.ts === 'string' && LOG_TIME.test(event.ts) ? Date.parse(event.ts) : Number.NaN;
    if (!Number.isFinite(at)) {
      unreliable = true;
      notes.push(`Event ${Number(event.seq)} has no valid time.`);
      continue;
    }
    if (previous && at < previous.at) {
      unreliable = true;
      notes.push(`The clock went backwards at event ${Number(event.seq)} (from ${hms(previous.ts)} to ${hms(event.ts)}).`);
    } else if (previous && at - previous.at > CLOCK_JUMP_MS) {
      notes.push(`The clock jumped forward by ${Math.round((at - previous.at) / 3600000)} h at event ${Number(event.seq)}; unless the session really paused that long, times after it are wrong.`);
    }
    previous = { at, ts: event.ts };
  }
  return { notes: notes.slice(0, 5), unreliable };
}

export function measureDrill(events: EventRecord[], label: (step: string) => string, options: DrillOptions = {}): DrillRecord {
  const steps = stepTimings(events, label);
  const clock = clockProblems(events);
  const notes: string[] = [...clock.notes];
  const sessionStart = events[0]?.ts;
  // A time that is not one sorts as the earliest rather than making the order undefined.
  const byTime = (a: string, b: string) => (Date.parse(a) || 0) - (Date.parse(b) || 0);

  let from: RtoPoint | undefined;
  if (options.rtoFrom) {
    const s = named(steps, options.rtoFrom, '--rto-from');
    from = { step: s.step, label: s.label, at: s.start, chosen: 'option' };
  } else {
    const restore = steps.filter((s) => RESTORE_STEP.test(words(s.label)) && s.outcome !== 'skipped').sort((a, b) => byTime(a.start, b.start))[0];
    if (restore) from = { step: restore.step, label: restore.label, at: restore.start, chosen: 'restore step' };
    else if (sessionStart) {
      from = { step: '', label: "the session's start", at: sessionStart, chosen: 'session start' };
      notes.push("No step reads as a restore step, so the RTO is measured from the session's start; name one with --rto-from.");
    }
  }

  let to: RtoPoint | undefined;
  const done = steps.filter((s) => s.outcome === 'done' && s.end && (!from || byTime(s.end, from.at) >= 0));
  if (options.rtoTo) {
    const s = named(steps, options.rtoTo, '--rto-to');
    if (s.outcome !== 'done' || !s.end) notes.push(`The step named with --rto-to was not marked done (it is ${s.outcome}), so the RTO cannot end there.`);
    else to = { step: s.step, label: s.label, at: s.end, chosen: 'option' };
  } else {
    const smoke = done.filter((s) => SMOKE_STEP.test(words(s.label))).sort((a, b) => byTime(a.end!, b.end!)).at(-1);
    const last = [...done].sort((a, b) => byTime(a.end!, b.end!)).at(-1);
    if (smoke) to = { step: smoke.step, label: smoke.label, at: smoke.end!, chosen: 'smoke check' };
    else if (last) {
      to = { step: last.step, label: last.label, at: last.end!, chosen: 'last step done' };
      notes.push('No smoke check passed after the restore began, so the RTO ends at the last step done; name one with --rto-to.');
    } else notes.push('No step was marked done after the restore began, so there is no RTO to measure.');
  }

  let rtoMs: number | undefined;
  if (clock.unreliable) notes.push("The session's times do not run in order, so no RTO is given; measure it from the notes or the timeline.");
  else if (from && to) {
    rtoMs = byTime(to.at, from.at);
    if (rtoMs < 0) {
      notes.push('The step that ends the RTO was done before the step that starts it; pick others with --rto-from/--rto-to.');
      rtoMs = undefined;
    }
  }
  return {
    steps,
    ...(rtoMs !== undefined ? { rtoMs } : {}),
    ...(from ? { rtoFrom: from } : {}),
    ...(to ? { rtoTo: to } : {}),
    rtoNotes: notes,
    ...(options.rpo ? { rpo: options.rpo } : {}),
    ...(options.rtoTarget ? { rtoTarget: options.rtoTarget } : {}),
    ...(options.rpoTarget ? { rpoTarget: options.rpoTarget } : {}),
  };
}
