import type { Action, Runbook, Section, Step } from './model.js';

/** Every section in document order, depth first. */
export function allSections(runbook: Runbook): Section[] {
  const out: Section[] = [];
  const visit = (sections: Section[]) => {
    for (const section of sections) {
      out.push(section);
      visit(section.sections);
    }
  };
  visit(runbook.sections);
  return out;
}

/** A section's steps in document order, sub-steps right after their parent. */
export function flattenSteps(steps: Step[]): Step[] {
  const out: Step[] = [];
  const visit = (list: Step[]) => {
    for (const step of list) {
      out.push(step);
      visit(step.steps);
    }
  };
  visit(steps);
  return out;
}

export interface NumberedStep {
  step: Step;
  /** For people: `2.1`. */
  number: string;
  /** 0 for a top-level step, 1 for its sub-steps, … */
  depth: number;
}

/** A section's steps in document order, sub-steps right after their parent, each with its number. */
export function numberedSteps(steps: Step[], prefix = ''): NumberedStep[] {
  const out: NumberedStep[] = [];
  steps.forEach((step, i) => {
    const number = `${prefix}${i + 1}`;
    out.push({ step, number, depth: prefix ? prefix.split('.').length - 1 : 0 });
    out.push(...numberedSteps(step.steps, `${number}.`));
  });
  return out;
}

export function allActions(runbook: Runbook): Array<{ section: Section; step: Step; action: Action }> {
  const out: Array<{ section: Section; step: Step; action: Action }> = [];
  for (const section of allSections(runbook)) {
    for (const step of flattenSteps(section.steps)) {
      for (const action of step.actions) out.push({ section, step, action });
    }
  }
  return out;
}

export function findSectionById(runbook: Runbook, id: string): Section | undefined {
  return allSections(runbook).find((s) => s.id === id);
}
