// What a report says, gathered from a session's events and evidence. The Markdown and JSON forms are
// both drawn from this one structure.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Runbook, Step } from '../runbook/model.js';
import { parseRunbook } from '../runbook/parse.js';
import { findSectionById, flattenSteps, numberedSteps } from '../runbook/walk.js';
import { sha256Hex, type EventRecord } from '../session/chain.js';
import type { EvidenceRef } from '../session/evidence.js';
import { LOG_FILE } from '../session/log.js';
import { viewOf } from '../session/view.js';
import { redactString } from '../session/redact.js';
import type { VerifyResult } from '../session/verify.js';
import type { EnvironmentTarget } from '../exec/target.js';
import { clockProblems, measureDrill, type DrillRecord } from './drill.js';
import type { Excerpt } from './excerpt.js';
import { codeSpan, escapeText, shortenMarkdown, shortenText } from './inline.js';
import type { ResultTable } from './results.js';

export type Template = 'incident' | 'drill';

export interface TimelineRow {
  ts: string;
  seq: number;
  what: string;
  evidence?: string;
}

export interface ActionOutput {
  evidence?: EvidenceRef;
  command?: string;
  rows?: number;
  /** Shell output: first and last lines. */
  excerpt?: Excerpt;
  /** SQL result: columns and the first and last rows. */
  table?: ResultTable;
  /** The evidence is a CSV result table (a query's, or a Supabase verb's such as `rls matrix`). */
  csv?: true;
}

export interface ActionEntry {
  number: number;
  seq: number;
  action: string;
  step?: string;
  stepLabel?: string;
  kind: string;
  code: string;
  status: string;
  startedAt: string;
  exitCode?: number;
  signal?: string;
  rows?: number;
  durationMs?: number;
  error?: string;
  outputs: ActionOutput[];
}

export interface GanttTask {
  step: string;
  label: string;
  start: string;
  end: string;
  outcome: 'done' | 'failed' | 'skipped' | 'open';
}

export interface ReportData {
  template: Template;
  session: { id: string; dir: string };
  verification: VerifyResult;
  header: {
    runbookTitle: string;
    runbookPath: string;
    runbookSha256: string;
    /** Whether the runbook file on disk still has the hash the session recorded. */
    runbookChanged?: boolean;
    section?: { id: string; title: string };
    env: string;
    /** What the environment pointed at (from the started event, or the last environment switch). */
    target?: EnvironmentTarget;
    operators: string[];
    /** The session id the log records, when it is not the folder's name (a renamed folder, another session's log). */
    recordedId?: string;
    /** Where the session's clock went backwards or jumped, or a time is not one. */
    clock?: string[];
    host: string;
    purpose: { kind: string; id?: string; title?: string; severity?: string };
    start: string;
    end?: string;
    durationMs?: number;
    status: string;
    counts: { done: number; skipped: number; failed: number; actions: number };
  };
  timeline: TimelineRow[];
  gantt: GanttTask[];
  actions: ActionEntry[];
  deviations: {
    skipped: Array<{ step: string; label: string; reason?: string }>;
    failedSteps: Array<{ step: string; label: string }>;
    failedActions: Array<{ number: number; action: string; error?: string }>;
    refused: Array<{ action: string; label?: string; reason: string }>;
    outOfOrder: Array<{ step: string; label: string; after: string }>;
    neverReached: Array<{ step: string; label: string }>;
  };
  notes: Array<{ ts: string; seq: number; step?: string; stepLabel?: string; text: string }>;
  attachments: Array<{ ts: string; seq: number; name: string; kind: string; evidence?: EvidenceRef }>;
  drill?: DrillRecord;
}

export interface BuildOptions {
  template?: Template;
  /** Drill: the steps that start and end the RTO, targets and the RPO achieved. */
  rtoFrom?: string;
  rtoTo?: string;
  rpo?: string;
  rtoTarget?: string;
  rpoTarget?: string;
  /** Rows of a SQL result and lines of an output shown from each end. */
  excerptLines?: number;
}

function readEvents(dir: string): EventRecord[] {
  const text = readFileSync(join(dir, LOG_FILE), 'utf8');
  const out: EventRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      out.push(JSON.parse(line) as EventRecord);
    } catch {
      // A damaged line: the verification at the top of the report says so.
    }
  }
  return out;
}

function loadModel(path: string): { runbook?: Runbook; sha256?: string } {
  try {
    if (!existsSync(path)) return {};
    const bytes = readFileSync(path);
    return { runbook: parseRunbook(bytes.toString('utf8'), { fileName: path }), sha256: sha256Hex(bytes) };
  } catch {
    return {};
  }
}

function stepLabels(runbook: Runbook | undefined): Map<string, { label: string; short: string; order: number; step: Step }> {
  const labels = new Map<string, { label: string; short: string; order: number; step: Step }>();
  if (!runbook) return labels;
  let order = 0;
  const visit = (sections: Runbook['sections']) => {
    for (const section of sections) {
      for (const { step, number } of numberedSteps(section.steps)) {
        const title = shortenMarkdown(section.title, 80);
        labels.set(step.id, {
          label: `${title} › ${number}. ${shortenMarkdown(step.text.split('\n')[0] ?? '', 80)}`,
          short: `${title} ${number}`,
          order: order++,
          step,
        });
      }
      visit(section.sections);
    }
  };
  visit(runbook.sections);
  return labels;
}

/**
 * An evidence reference as the log gives it, kept only when its name is a SHA-256: a tampered log
 * cannot point the report at ../../some/other/file to read or link.
 */
function evidenceRef(value: unknown): EvidenceRef | undefined {
  const ref = value as Partial<EvidenceRef> | undefined;
  return ref && typeof ref.sha256 === 'string' && /^[0-9a-f]{64}$/.test(ref.sha256) && typeof ref.size === 'number' ? (ref as EvidenceRef) : undefined;
}

/** Free text from the log (a note, a reason, an error) as one escaped line. */
function oneLine(text: string, max = 100): string {
  return escapeText(shortenText(text, max));
}

/**
 * Add a signer to the people who ran the session. A signer identity `root@vm` is the user `root`
 * signing: one person, named once, by the more precise name.
 */
export function mergeOperator(operators: string[], identity: string): void {
  if (operators.includes(identity)) return;
  const local = identity.includes('@') ? identity.slice(0, identity.lastIndexOf('@')) : undefined;
  const same = local === undefined ? -1 : operators.indexOf(local);
  if (same >= 0) operators[same] = identity;
  else operators.push(identity);
}

/** `events`: the log as verification parsed it, when every line was a whole event; else it is read here. */
export function buildReport(dir: string, verification: VerifyResult, options: BuildOptions = {}, parsed?: EventRecord[]): ReportData {
  const events = parsed ?? readEvents(dir);
  const started = events[0] ?? ({ seq: 0, ts: '', type: 'started', prev: '' } as EventRecord);
  const last = events[events.length - 1] ?? started;
  const runbookInfo = (started.runbook ?? {}) as { path?: string; sha256?: string; title?: string };
  const model = runbookInfo.path ? loadModel(runbookInfo.path) : {};
  const labels = stepLabels(model.runbook);
  // A step id the runbook does not know is the log's text: one line, escaped.
  const label = (step: string | undefined) => (step ? (labels.get(step)?.label ?? oneLine(step, 120)) : '');
  const short = (step: string | undefined) => (step ? `step ${labels.get(step)?.short ?? oneLine(step, 80)}` : 'the session');
  const purpose = (started.purpose ?? { kind: 'routine' }) as ReportData['header']['purpose'];
  const template: Template = options.template ?? (purpose.kind === 'drill' ? 'drill' : 'incident');

  // What happened comes from the one fold of the log; the timeline below only describes each event.
  const view = viewOf(events);
  const actions: ActionEntry[] = view.runs.filter((r) => r.status !== 'refused').map((r, i) => ({
    number: i + 1, seq: r.run, action: r.action, kind: String(r.kind), code: r.code ?? '', status: r.status, startedAt: r.startedAt,
    outputs: r.outputs.map((o) => {
      const evidence = evidenceRef(o.evidence);
      // A result with columns is CSV whatever ran it (a Supabase verb's result table, like `rls matrix`).
      return { ...(evidence ? { evidence } : {}), ...(o.command !== undefined ? { command: o.command } : {}), ...(o.rows !== undefined ? { rows: o.rows } : {}), ...(o.columns ? { csv: true as const } : {}) };
    }),
    ...(r.step ? { step: r.step, stepLabel: label(r.step) } : {}),
    ...(r.exitCode !== undefined ? { exitCode: r.exitCode } : {}),
    ...(r.signal !== undefined ? { signal: r.signal } : {}),
    ...(r.rows !== undefined ? { rows: r.rows } : {}),
    ...(r.durationMs !== undefined ? { durationMs: r.durationMs } : {}),
    ...(r.error !== undefined ? { error: r.error } : {}),
  }));
  const actionBySeq = new Map(actions.map((a) => [a.seq, a]));
  const notes: ReportData['notes'] = view.notes.map((n) => ({ ts: n.ts, seq: n.seq, text: n.text, ...(n.step ? { step: n.step, stepLabel: label(n.step) } : {}) }));
  const attachments: ReportData['attachments'] = view.attachments.map((a) => {
    const evidence = evidenceRef(a.evidence);
    return { ts: a.ts, seq: a.seq, name: redactString(a.name).text, kind: a.kind, ...(evidence ? { evidence } : {}) };
  });
  const stepStatus = new Map(Object.entries(view.marks));
  const stepFirstSeen = new Map(Object.entries(view.firstSeen));
  const doneOrder = view.doneOrder;
  const refused: ReportData['deviations']['refused'] = view.runs
    .filter((r) => r.status === 'refused')
    .map((r) => ({ action: r.action, reason: r.error ?? '', ...(r.step ? { label: label(r.step) } : {}) }));
  const timeline: TimelineRow[] = [];
  const operators: string[] = [String(started.operator ?? 'operator')];
  let target = started.target as EnvironmentTarget | undefined;
  // Every environment the session used, in order; the target is the last one's.
  const envs = [String(started.env ?? '')];

  for (const event of events) {
    const step = typeof event.step === 'string' ? event.step : undefined;
    const row = (what: string, evidence?: string) => timeline.push({ ts: event.ts, seq: event.seq, what, ...(evidence ? { evidence } : {}) });
    switch (event.type) {
      case 'started': {
        const p = purpose.kind === 'incident' ? `incident ${purpose.id ?? ''}${purpose.severity ? ` (sev ${purpose.severity})` : ''}`.trim() : purpose.kind;
        row(`Session started by ${oneLine(String(event.operator ?? 'operator'))} on ${oneLine(String(event.env ?? ''))} for ${oneLine(p)}`);
        break;
      }
      case 'step':
        row(`${short(step)}: **${oneLine(String(event.status))}**${typeof event.reason === 'string' ? ` (${oneLine(event.reason, 80)})` : ''}`);
        break;
      case 'note':
        row(`Note${step ? ` on ${short(step)}` : ''}: ${oneLine(String(event.text ?? ''), 120)}`);
        break;
      case 'attachment': {
        const evidence = evidenceRef(event.evidence);
        // Logs written before attachment names were redacted may hold one: the patterns still apply.
        const name = redactString(String(event.name)).text;
        row(`Attached ${event.kind === 'file' ? `file ${codeSpan(shortenText(name, 80))}` : 'text'}${step ? ` to ${short(step)}` : ''}`, evidence?.sha256);
        break;
      }
      case 'action.started':
        row(`Ran ${oneLine(String(event.kind))} on ${short(step)}: ${codeSpan(shortenText(String(event.code ?? ''), 80))}`);
        break;
      case 'action.finished': {
        const entry = typeof event.run === 'number' ? actionBySeq.get(event.run) : undefined;
        const result = [String(event.status), typeof event.rows === 'number' ? `${event.rows} rows` : '', typeof event.exitCode === 'number' ? `exit ${event.exitCode}` : '', typeof event.durationMs === 'number' ? `${event.durationMs} ms` : '']
          .filter(Boolean)
          .join(', ');
        row(`→ action ${entry?.number ?? '?'} ${result}${typeof event.error === 'string' ? `: ${oneLine(event.error, 100)}` : ''}`, entry?.outputs.at(-1)?.evidence?.sha256);
        break;
      }
      case 'variables': {
        // What an action exported for later steps: secret values are only named, as the log holds them.
        const set = (Array.isArray(event.set) ? event.set : []).map((v) => `${oneLine(String(v?.name), 60)}${v?.secret ? ' (secret)' : typeof v?.value === 'string' ? `=${codeSpan(shortenText(redactString(v.value).text, 60))}` : ''}${v?.notCarried ? ' (not carried)' : ''}`);
        const unset = Array.isArray(event.unset) && event.unset.length ? `; unset ${oneLine(event.unset.map(String).join(', '), 120)}` : '';
        row(`Exported on ${short(step)}: ${set.join(', ') || 'nothing'}${unset}${typeof event.reason === 'string' ? ` (not carried: ${oneLine(event.reason, 120)})` : ''}`);
        break;
      }
      case 'action.refused':
        row(`Refused on ${short(step)}: ${oneLine(String(event.reason ?? ''), 120)}`);
        break;
      case 'confirmed':
        row(event.what === 'environment' ? `Confirmed the protected environment ${oneLine(String(event.env))}` : `Allowed to run on ${short(step)}: ${oneLine((Array.isArray(event.reasons) ? event.reasons.map(String) : []).join('; '), 200)}`);
        break;
      case 'environment':
        target = (event.target as EnvironmentTarget | undefined) ?? undefined;
        if (!envs.includes(String(event.env))) envs.push(String(event.env));
        row(`${envs.length === 1 && event.env === started.env ? 'Environment' : 'Switched to environment'} ${oneLine(String(event.env))}${Array.isArray(event.fromCommand) && event.fromCommand.length ? ` (from a command: ${oneLine(event.fromCommand.map(String).join(', '), 120)})` : ''}`);
        break;
      case 'update':
        row(`Status update${event.kind && event.kind !== 'update' ? ` (${oneLine(String(event.kind), 20)})` : ''}${typeof event.to === 'string' ? ` to ${oneLine(event.to, 60)}` : ''}: ${oneLine(String(event.text ?? ''), 160)}`);
        break;
      case 'update.failed':
        row(`Status update not posted: ${oneLine(String(event.error ?? ''), 160)}`);
        break;
      case 'escalated':
        row(`**Escalated** to ${oneLine(String(event.level ?? ''), 120)}${typeof event.note === 'string' ? `: ${oneLine(event.note, 120)}` : ''}`);
        break;
      case 'severity':
        row(`**Severity** changed${typeof event.from === 'string' ? ` from ${oneLine(event.from, 20)}` : ''} to ${oneLine(String(event.to ?? ''), 20)}`);
        break;
      case 'interrupted':
        row(`Session interrupted: ${oneLine(String(event.reason ?? ''), 200)}`);
        break;
      case 'resumed':
        row(`Session resumed on ${oneLine(String(event.host ?? ''))}`);
        break;
      case 'recovered':
        row('A line torn by a crash was moved aside and recorded');
        break;
      case 'sealed':
        mergeOperator(operators, String(event.signer));
        row(`Sealed and signed by ${oneLine(String(event.signer))}`);
        break;
    }
  }

  // Deviations.
  const section = (started.section ?? undefined) as { id: string; title: string } | undefined;
  const sectionSteps = model.runbook && section ? findSectionById(model.runbook, section.id) : undefined;
  const inSection = sectionSteps ? [sectionSteps, ...allSubsections(sectionSteps)].flatMap((s) => flattenSteps(s.steps)) : [];
  const skipped = [...stepStatus].filter(([, s]) => s.status === 'skipped').map(([step, s]) => ({ step, label: label(step), ...(s.reason ? { reason: s.reason } : {}) }));
  const failedSteps = [...stepStatus].filter(([, s]) => s.status === 'failed').map(([step]) => ({ step, label: label(step) }));
  const failedActions = actions.filter((a) => a.status !== 'ok').map((a) => ({ number: a.number, action: a.action, ...(a.error ? { error: a.error } : {}) }));
  const outOfOrder: ReportData['deviations']['outOfOrder'] = [];
  for (let i = 1; i < doneOrder.length; i++) {
    const previous = labels.get(doneOrder[i - 1]!);
    const current = labels.get(doneOrder[i]!);
    if (previous && current && current.order < previous.order) outOfOrder.push({ step: doneOrder[i]!, label: current.label, after: previous.label });
  }
  const touched = new Set([...stepStatus.keys(), ...actions.map((a) => a.step ?? '')]);
  const neverReached = inSection.filter((s) => !touched.has(s.id) && !s.steps.length).map((s) => ({ step: s.id, label: label(s.id) }));

  // Gantt: each step from its first event to its last status.
  const gantt: GanttTask[] = [...stepFirstSeen].map(([step, start]) => {
    const status = stepStatus.get(step);
    const outcome: GanttTask['outcome'] = status ? (status.status === 'done' ? 'done' : status.status === 'failed' ? 'failed' : status.status === 'skipped' ? 'skipped' : 'open') : 'open';
    const text = labels.get(step)?.step.text.split('\n')[0] ?? '';
    return { step, label: `${short(step).replace(/^step /, '')} ${shortenText(text, 40)}`, start, end: status?.at ?? last.ts, outcome };
  });

  const sealed = events.find((e) => e.type === 'sealed');
  const end = sealed?.ts ?? last.ts;
  const counts = {
    done: [...stepStatus.values()].filter((s) => s.status === 'done').length,
    skipped: skipped.length,
    failed: failedSteps.length,
    actions: actions.length,
  };
  const clock = clockProblems(events).notes;
  const header: ReportData['header'] = {
    runbookTitle: String(runbookInfo.title ?? ''),
    runbookPath: String(runbookInfo.path ?? ''),
    runbookSha256: String(runbookInfo.sha256 ?? ''),
    ...(model.sha256 && runbookInfo.sha256 && model.sha256 !== runbookInfo.sha256 ? { runbookChanged: true } : {}),
    ...(section ? { section: { id: String(section.id), title: shortenMarkdown(String(section.title ?? section.id), 120) } } : {}),
    env: envs.join(', then '),
    ...(target ? { target } : {}),
    operators,
    ...(typeof started.session === 'string' && started.session !== dir.split(/[\\/]/).filter(Boolean).pop() ? { recordedId: started.session } : {}),
    ...(clock.length ? { clock } : {}),
    host: String(started.host ?? ''),
    purpose,
    start: started.ts,
    end,
    durationMs: Date.parse(end) - Date.parse(started.ts),
    status: `${verification.sealed ? 'sealed' : 'not sealed (interrupted or open)'}; ${counts.done} steps done, ${counts.skipped} skipped, ${counts.failed} failed`,
    counts,
  };

  const report: ReportData = {
    template,
    session: { id: dir.split(/[\\/]/).filter(Boolean).pop()!, dir },
    verification,
    header,
    timeline,
    gantt,
    actions,
    deviations: { skipped, failedSteps, failedActions, refused, outOfOrder, neverReached },
    notes,
    attachments,
  };

  if (template === 'drill') {
    report.drill = measureDrill(events, label, {
      ...(options.rtoFrom ? { rtoFrom: options.rtoFrom } : {}),
      ...(options.rtoTo ? { rtoTo: options.rtoTo } : {}),
      ...(options.rpo ? { rpo: options.rpo } : {}),
      ...(options.rtoTarget ? { rtoTarget: options.rtoTarget } : {}),
      ...(options.rpoTarget ? { rpoTarget: options.rpoTarget } : {}),
    });
  }
  return report;
}

function allSubsections(section: Runbook['sections'][number]): Runbook['sections'] {
  return section.sections.flatMap((s) => [s, ...allSubsections(s)]);
}
