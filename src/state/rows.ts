// What the Home and Section screens list, derived from the runbook and the session view. Pure.

import type { Runbook, Section, Step } from '../runbook/model.js';
import { numberedSteps } from '../runbook/walk.js';
import type { SessionView, StepState } from '../session/view.js';

export interface SectionRow {
  kind: 'section';
  section: Section;
  depth: number;
  total: number;
  finished: number;
}

export interface StepRow {
  kind: 'step';
  section: Section;
  step: Step;
  depth: number;
  /** For people: `2.1`. */
  number: string;
  state: StepState;
}

export type Row = SectionRow | StepRow;

/** A step's state; a parent step nobody marked is done (or skipped) once all its sub-steps are. */
export function stepState(view: SessionView, step: Step): StepState {
  const own = view.steps[step.id]?.state;
  if (own || !step.steps.length) return own ?? 'pending';
  const subs = step.steps.map((s) => stepState(view, s));
  if (!subs.every((s) => s === 'done' || s === 'skipped')) return subs.includes('failed') ? 'failed' : 'pending';
  return subs.includes('done') ? 'done' : 'skipped';
}

/** Steps of a section and its sub-sections, done or skipped against all. */
export function progress(section: Section, view: SessionView): { total: number; finished: number } {
  let total = 0;
  let finished = 0;
  const visit = (s: Section) => {
    for (const { step } of numberedSteps(s.steps)) {
      total++;
      const state = stepState(view, step);
      if (state === 'done' || state === 'skipped') finished++;
    }
    s.sections.forEach(visit);
  };
  visit(section);
  return { total, finished };
}

const matches = (text: string, filter: string) => text.toLowerCase().includes(filter.toLowerCase());

/**
 * The Home screen: every section as a tree with its progress; with a filter, the sections whose title
 * matches and the steps whose text matches, each under its section.
 */
export function homeRows(runbook: Runbook, view: SessionView, filter = ''): Row[] {
  const rows: Row[] = [];
  const visit = (sections: Section[], depth: number) => {
    for (const section of sections) {
      const sectionRow: SectionRow = { kind: 'section', section, depth, ...progress(section, view) };
      if (!filter) rows.push(sectionRow);
      else {
        const steps = numberedSteps(section.steps).filter(({ step }) => matches(step.text, filter));
        if (matches(section.title, filter) || steps.length) {
          rows.push(sectionRow);
          for (const { step, number } of steps) rows.push({ kind: 'step', section, step, depth: depth + 1, number, state: stepState(view, step) });
        }
      }
      visit(section.sections, depth + 1);
    }
  };
  visit(runbook.sections, 0);
  return rows;
}

/** The Section screen: its steps with sub-steps, then each sub-section's, under a heading row. */
export function checklistRows(section: Section, view: SessionView, filter = ''): Row[] {
  const rows: Row[] = [];
  const visit = (s: Section, depth: number) => {
    const steps = numberedSteps(s.steps).filter(({ step }) => !filter || matches(step.text, filter));
    if (s !== section && (steps.length || !filter)) rows.push({ kind: 'section', section: s, depth, ...progress(s, view) });
    for (const { step, number, depth: d } of steps) rows.push({ kind: 'step', section: s, step, depth: depth + d + (s === section ? 0 : 1), number, state: stepState(view, step) });
    for (const child of s.sections) visit(child, depth + (s === section ? 0 : 1));
  };
  visit(section, 0);
  return rows;
}

/** A step and where it is: its section and its number. */
export function locateStep(runbook: Runbook, stepId: string): { section: Section; step: Step; number: string } | undefined {
  const visit = (sections: Section[]): { section: Section; step: Step; number: string } | undefined => {
    for (const section of sections) {
      const found = numberedSteps(section.steps).find(({ step }) => step.id === stepId);
      if (found) return { section, step: found.step, number: found.number };
      const inner = visit(section.sections);
      if (inner) return inner;
    }
    return undefined;
  };
  return visit(runbook.sections);
}

let lastPicker: { entries: unknown; filter: string; rows: Row[] } | undefined;

/** The Picker's rows, made again only when the entries or the filter changed (a folder of 3,000 asks on every key and frame). */
export function cachedPickerRows(entries: ReadonlyArray<{ file: string; label?: string; title: string; sections?: number }>, filter = ''): Row[] {
  if (lastPicker?.entries !== entries || lastPicker.filter !== filter) lastPicker = { entries, filter, rows: pickerRows(entries, filter) };
  return lastPicker.rows;
}

/** The Picker screen: runbooks whose title or file matches the filter, as section-like rows. */
export function pickerRows(entries: ReadonlyArray<{ file: string; label?: string; title: string; sections?: number }>, filter = ''): Row[] {
  return entries
    .filter((e) => !filter || matches(`${e.title} ${e.label ?? e.file}`, filter))
    .map((e) => ({ kind: 'section', section: { id: e.file, title: e.title, level: 1, line: 0, steps: [], sections: [] }, depth: 0, total: e.sections ?? 0, finished: 0 }));
}
