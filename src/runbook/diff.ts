// "The runbook changed since your last session": a diff of two models, not of two texts. Sections are
// matched by id; inside a section, steps are aligned by their content (longest common subsequence), so
// inserting a step does not make every later step look changed. An unmatched removal and addition at
// the same place are one edited step.

import type { Runbook, Section, Step } from './model.js';
import { allSections, numberedSteps } from './walk.js';

export type StepChange =
  | { change: 'added'; number: string; text: string }
  | { change: 'removed'; number: string; text: string }
  | { change: 'edited'; number: string; before: string; after: string; detail: string };

export interface SectionDiff {
  id: string;
  title: string;
  change: 'added' | 'removed' | 'changed';
  steps: StepChange[];
}

export interface RunbookDiff {
  titleChanged?: { before: string; after: string };
  sections: SectionDiff[];
}

interface FlatStep {
  number: string;
  text: string;
  /** What a step is for matching: its text and its actions' code. */
  signature: string;
  actions: string;
}

function flat(steps: Step[]): FlatStep[] {
  return numberedSteps(steps).map(({ step, number }) => {
    const actions = step.actions.map((a) => `${a.kind}:${a.code}`).join('\n');
    return { number, text: step.text, actions, signature: `${step.text}\n${actions}` };
  });
}

/** Pairs of indexes of equal items, in order (a classic LCS table; sections have tens of steps). */
function commonSubsequence(a: FlatStep[], b: FlatStep[]): Array<[number, number]> {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const table = new Uint32Array(rows * cols);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i * cols + j] = a[i]!.signature === b[j]!.signature ? table[(i + 1) * cols + j + 1]! + 1 : Math.max(table[(i + 1) * cols + j]!, table[i * cols + j + 1]!);
    }
  }
  const pairs: Array<[number, number]> = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i]!.signature === b[j]!.signature) {
      pairs.push([i++, j++]);
    } else if (table[(i + 1) * cols + j]! >= table[i * cols + j + 1]!) {
      i++;
    } else {
      j++;
    }
  }
  return pairs;
}

function editDetail(before: FlatStep, after: FlatStep): string {
  const text = before.text !== after.text;
  const actions = before.actions !== after.actions;
  return text && actions ? 'text and command changed' : actions ? 'command changed' : 'text changed';
}

const words = (text: string) => new Set(text.toLowerCase().split(/[^\p{L}\p{N}_]+/u).filter(Boolean));

/** How alike two steps read, 0 to 1: shared words over all words (Jaccard). */
function similarity(a: FlatStep, b: FlatStep): number {
  const x = words(a.signature);
  const y = words(b.signature);
  let shared = 0;
  for (const w of x) if (y.has(w)) shared++;
  const all = x.size + y.size - shared;
  return all ? shared / all : 1;
}

/** Between two unchanged steps: a removed step that reads like an added one was edited into it. */
function diffGap(removed: FlatStep[], added: FlatStep[]): StepChange[] {
  const partner = new Map<number, number>();
  let from = 0;
  for (let r = 0; r < removed.length; r++) {
    for (let k = from; k < added.length; k++) {
      if (similarity(removed[r]!, added[k]!) >= 0.5) {
        partner.set(k, r);
        from = k + 1;
        break;
      }
    }
  }
  const changes: StepChange[] = [];
  let nextRemoved = 0;
  const flushRemoved = (upTo: number) => {
    for (; nextRemoved < upTo; nextRemoved++) {
      if (![...partner.values()].includes(nextRemoved)) changes.push({ change: 'removed', number: removed[nextRemoved]!.number, text: removed[nextRemoved]!.text });
    }
  };
  added.forEach((step, k) => {
    const r = partner.get(k);
    if (r === undefined) {
      changes.push({ change: 'added', number: step.number, text: step.text });
      return;
    }
    flushRemoved(r);
    nextRemoved = r + 1;
    changes.push({ change: 'edited', number: step.number, before: removed[r]!.text, after: step.text, detail: editDetail(removed[r]!, step) });
  });
  flushRemoved(removed.length);
  return changes;
}

export function diffSteps(before: Step[], after: Step[]): StepChange[] {
  const a = flat(before);
  const b = flat(after);
  const pairs = [...commonSubsequence(a, b), [a.length, b.length] as [number, number]];
  const changes: StepChange[] = [];
  let i = 0;
  let j = 0;
  for (const [pi, pj] of pairs) {
    changes.push(...diffGap(a.slice(i, pi), b.slice(j, pj)));
    i = pi + 1;
    j = pj + 1;
  }
  return changes;
}

export function diffRunbooks(before: Runbook, after: Runbook): RunbookDiff {
  const old = new Map(allSections(before).map((s) => [s.id, s] as const));
  const now = new Map(allSections(after).map((s) => [s.id, s] as const));
  const sections: SectionDiff[] = [];
  const count = (s: Section) => numberedSteps(s.steps).length;
  for (const section of allSections(after)) {
    const previous = old.get(section.id);
    if (!previous) {
      sections.push({ id: section.id, title: section.title, change: 'added', steps: numberedSteps(section.steps).map(({ step, number }) => ({ change: 'added', number, text: step.text })) });
      continue;
    }
    const steps = diffSteps(previous.steps, section.steps);
    if (steps.length) sections.push({ id: section.id, title: section.title, change: 'changed', steps });
  }
  for (const section of allSections(before)) {
    if (!now.has(section.id)) sections.push({ id: section.id, title: section.title, change: 'removed', steps: count(section) ? numberedSteps(section.steps).map(({ step, number }) => ({ change: 'removed', number, text: step.text })) : [] });
  }
  return { ...(before.title !== after.title ? { titleChanged: { before: before.title, after: after.title } } : {}), sections };
}

export function isEmptyDiff(diff: RunbookDiff): boolean {
  return !diff.titleChanged && diff.sections.length === 0;
}

/** The diff as lines a person reads before starting (the TUI and the CLI print the same). */
export function describeDiff(diff: RunbookDiff): string[] {
  const lines: string[] = [];
  if (diff.titleChanged) lines.push(`Title: "${diff.titleChanged.before}" → "${diff.titleChanged.after}"`);
  for (const section of diff.sections) {
    const mark = section.change === 'added' ? '+' : section.change === 'removed' ? '-' : '~';
    lines.push(`${mark} ${section.title}${section.change === 'changed' ? '' : ` (section ${section.change})`}`);
    if (section.change !== 'changed') continue;
    for (const step of section.steps) {
      if (step.change === 'edited') lines.push(`    ~ ${step.number}. ${step.after}  (${step.detail}; was: ${step.before})`);
      else lines.push(`    ${step.change === 'added' ? '+' : '-'} ${step.number}. ${step.text}`);
    }
  }
  return lines;
}
