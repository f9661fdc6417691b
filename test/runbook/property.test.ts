// Arbitrary Markdown never throws, and the model keeps its invariants.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Section, Step } from '../../src/runbook/model.js';
import { parseRunbook } from '../../src/runbook/parse.js';
import { allSections, flattenSteps } from '../../src/runbook/walk.js';

// Pieces runbooks are made of, glued at random: far likelier to hit edge cases than random characters.
const fragment = fc.oneof(
  fc.constantFrom(
    '# ', '## ', '### ', '###### ', '=====', '-----', '---', '- ', '* ', '+ ', '1. ', '2) ', '- [ ] ', '- [x] ', '  ', '    ', '\t',
    '```', '```sh', '```sql', '```console', '~~~', '> ', '| a | b |', '|---|---|', '<!--', '-->', '`', '``', '\n', '\r\n', '\r',
    '$ ', '<ref>', "'...'", '$VAR', '${X}', 'kubectl get pods', 'select * from t', 'https://x.example', '\\', '\u0000', '日本', '🚑',
  ),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
);
const markdown = fc.array(fragment, { maxLength: 80 }).map((parts) => parts.join(''));

/** Whether any string anywhere in the model holds a carriage return. */
function hasCarriageReturn(model: unknown): boolean {
  let found = false;
  JSON.stringify(model, (_key, value: unknown) => {
    if (typeof value === 'string' && value.includes('\r')) found = true;
    return value;
  });
  return found;
}

function lineCount(text: string): number {
  return text.split(/\r\n|\r|\n/).length;
}

function everyStep(sections: Section[]): Step[] {
  return sections.flatMap((s) => flattenSteps(s.steps));
}

describe('parseRunbook on arbitrary input', () => {
  it('never throws, never yields \\r, keeps every line number inside the file', () => {
    fc.assert(
      fc.property(markdown, (text) => {
        const rb = parseRunbook(text);
        const lines = lineCount(text);
        expect(hasCarriageReturn(rb)).toBe(false);
        const sections = allSections(rb);
        for (const section of sections) expect(section.line).toBeGreaterThanOrEqual(1);
        for (const step of everyStep(rb.sections)) {
          expect(step.line).toBeGreaterThanOrEqual(1);
          expect(step.line).toBeLessThanOrEqual(lines);
          for (const action of step.actions) {
            expect(action.line).toBeGreaterThanOrEqual(1);
            expect(action.line).toBeLessThanOrEqual(lines);
            expect(action.code.trim()).not.toBe('');
          }
        }
        expect(new Set(sections.map((s) => s.id)).size).toBe(sections.length);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on any string at all', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => void parseRunbook(text)), { numRuns: 500 });
  });

  it('gives the same model for LF and CRLF input', () => {
    fc.assert(
      fc.property(markdown, (text) => {
        const lf = text.replace(/\r\n?/g, '\n');
        expect(parseRunbook(lf.replace(/\n/g, '\r\n'))).toEqual(parseRunbook(lf));
      }),
      { numRuns: 200 },
    );
  });
});
