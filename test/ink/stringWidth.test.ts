// The string-width bundled for Ink must measure every string exactly as the package does.
import fc from 'fast-check';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import fastStringWidth, { NARROW_CHARACTERS } from '../../src/ink/stringWidth.js';

const ascii = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i));
const others = ['\u001b[1m', '\u001b[22m', '\u001b[38;5;203m', '\u001b]8;;https://x\u0007', '\u009b31m', '\u001b', '\t', '\n', '\u0301', '\u200d', '\ufe0f', '\u00ad', '中', '한', '\u1100\u1161', '😀', '👍🏽', '🇫🇷', '⚠', '⚠️', '❤', '✔', '1\u20e3', '\u0000', '\u007f', '\u0085', 'ｱ', '\ud800'];

describe("Ink's string-width, bundled faster", () => {
  it('counts one column for each character it answers for, as the package does', () => {
    for (const c of NARROW_CHARACTERS) expect([c, stringWidth(c)]).toEqual([c, 1]);
  });

  it('answers only for strings whose characters never join a neighbour into one cluster', () => {
    const segmenter = new Intl.Segmenter();
    for (const a of NARROW_CHARACTERS) {
      for (const b of [...NARROW_CHARACTERS, ...ascii]) {
        expect([...segmenter.segment(a + b)].length, `${a}${b}`).toBe(2);
        expect([...segmenter.segment(b + a)].length, `${b}${a}`).toBe(2);
      }
    }
  });

  it('measures any string as the package does', () => {
    const piece = fc.oneof(fc.constantFrom(...NARROW_CHARACTERS), fc.constantFrom(...ascii), fc.constantFrom(...others), fc.string({ unit: 'grapheme', maxLength: 3 }));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 20 }), (parts) => {
        const text = parts.join('');
        expect(fastStringWidth(text)).toBe(stringWidth(text));
        expect(fastStringWidth(text, { ambiguousIsNarrow: false })).toBe(stringWidth(text, { ambiguousIsNarrow: false }));
      }),
      { numRuns: 2000 },
    );
  });

  it('is what the bundle gives Ink in place of the package', async () => {
    const { readFileSync, readdirSync } = await import('node:fs');
    const dist = new URL('../../dist/chunks/', import.meta.url);
    const bundled = readdirSync(dist).filter((f) => f.endsWith('.js')).map((f) => readFileSync(new URL(f, dist), 'utf8')).join('\n');
    expect(bundled).toContain('function fastStringWidth(');
  });
});
