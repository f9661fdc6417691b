import type { Runbook, Section } from './model.js';
import { slugify } from './slug.js';
import { allSections } from './walk.js';

export class SectionNotFoundError extends Error {}

/** A section by id, by title (any case), or by a part of its title that only it has. */
export function findSection(runbook: Runbook, ref: string): Section {
  const sections = allSections(runbook);
  const wanted = ref.trim().toLowerCase();
  const exact = sections.find((s) => s.id === ref) ?? sections.find((s) => s.title.toLowerCase() === wanted) ?? sections.find((s) => s.id === slugify(ref));
  if (exact) return exact;
  const partial = sections.filter((s) => s.title.toLowerCase().includes(wanted) || s.id.includes(slugify(ref)));
  if (partial.length === 1) return partial[0]!;
  if (partial.length > 1) throw new SectionNotFoundError(`"${ref}" matches ${partial.length} sections (${partial.map((s) => s.title).join(', ')}); give more of the title or the id.`);
  throw new SectionNotFoundError(`No section "${ref}" in ${runbook.title}; sections: ${sections.map((s) => s.id).join(', ')}.`);
}
