// The runbook's escalation matrix: the section titled like "Escalation Matrix" (or the one the config
// names), and the levels an operator may escalate to: its steps' first lines.

import type { Runbook, Section } from './model.js';
import { allSections, numberedSteps } from './walk.js';

/** The section named `title` (case-insensitive), else the first whose title mentions escalation. */
export function findEscalationSection(runbook: Runbook, title?: string): Section | undefined {
  const sections = allSections(runbook);
  if (title) {
    const wanted = title.trim().toLowerCase();
    const named = sections.find((s) => s.title.trim().toLowerCase() === wanted || s.id === wanted);
    if (named) return named;
  }
  return sections.find((s) => /escalat/i.test(s.title));
}

/** The levels to choose from: each step's first line ("Level 2: Platform lead (…)"). */
export function escalationLevels(section: Section): string[] {
  return numberedSteps(section.steps)
    .map(({ step }) => (step.text.split('\n')[0] ?? '').trim())
    .filter(Boolean);
}
