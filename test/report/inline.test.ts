// Shortening and escaping of inline Markdown: titles cut at word boundaries, never inside a code span.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeSpan, escapeText, shortenMarkdown, tableCell } from '../../src/report/inline.js';
import { markdownProblems } from '../helpers/markdownCheck.js';

describe('shortenMarkdown', () => {
  it('cuts at a word boundary and keeps a code span whole or leaves it out', () => {
    const title = "Audit affected table policies (`select * from pg_policies where tablename = '...'`).";
    expect(shortenMarkdown(title, 40)).toBe('Audit affected table policies…');
    expect(shortenMarkdown(title, 200)).toBe(title);
    expect(shortenMarkdown('one two three four five six', 12)).toBe('one two…');
  });

  it('keeps a link whole', () => {
    expect(shortenMarkdown('See [the very long dashboard name](https://example.com/x) for more', 20)).toBe('See…');
  });

  it('never leaves a backtick open, whatever the text and the limit', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'bb ', ' ', '`', '``', '[', ']', '(x)', '\\', '|', '*'), { maxLength: 40 }), fc.integer({ min: 2, max: 60 }), (parts, max) => {
        const text = parts.join('');
        const short = shortenMarkdown(text, max);
        // Whatever the original holds (even a backtick that never closes), the shortened form has no open code span.
        expect(markdownProblems(short)).toEqual([]);
        expect(short.replace(/…$/, '').replace(/\\(.)/g, '$1').length).toBeLessThanOrEqual(Math.max(max, text.length));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps a placeholder such as <pod name> as text, outside code only', () => {
    expect(shortenMarkdown('Restart <pod name> with `kubectl delete pod <pod>`', 200)).toBe('Restart \\<pod name> with `kubectl delete pod <pod>`');
    expect(shortenMarkdown('already \\< escaped', 200)).toBe('already \\< escaped');
  });

  it('escapes a backtick that opens nothing', () => {
    expect(markdownProblems(shortenMarkdown('a ` b c d e f g h', 8))).toEqual([]);
    expect(markdownProblems(shortenMarkdown('a ` b', 80))).toEqual([]);
  });
});

describe('codeSpan and escapeText', () => {
  it('makes a code span that closes whatever backticks it holds', () => {
    for (const code of ['a`b', '``', '`start', 'end`', 'x ``` y', ' padded ', '']) {
      const md = `x ${codeSpan(code)} y`;
      expect(markdownProblems(md)).toEqual([]);
    }
  });

  it('escapes text so it renders as itself in a table cell', () => {
    const cell = tableCell(escapeText('a | b <script>alert(1)</script> *c* `d` [e](f) &amp;'));
    const md = `| h |\n|---|\n| ${cell} |`;
    expect(markdownProblems(md)).toEqual([]);
    expect(md).not.toContain('<script>');
  });
});

describe('escapeText in prose', () => {
  it('leaves an underscore inside a word alone and escapes one that could start emphasis', () => {
    expect(escapeText('policy_1 owner_id')).toBe('policy_1 owner_id');
    expect(escapeText('_private_ x_ _y')).toBe('\\_private\\_ x\\_ \\_y');
  });
});
