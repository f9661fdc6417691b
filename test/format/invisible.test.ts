// One rule for what is unsafe to show: controls, bidi, and characters that draw nothing (zero-width,
// tag characters, fillers), shown as `\u200B` by terminalSafe and as `‹U+200B›` by visible.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTerminalSafe, terminalSafe, visible, visibleKeepingLines } from '../../src/format/terminal.js';
import { showInvisible } from '../../src/report/inline.js';

// Everything a reader cannot see or a terminal acts on, as the attacker lists it.
const HIDDEN: Array<[string, string]> = [
  ['zero-width space', '\u200b'],
  ['zero-width non-joiner', '\u200c'],
  ['zero-width joiner', '\u200d'],
  ['word joiner', '\u2060'],
  ['invisible times', '\u2062'],
  ['BOM', '\ufeff'],
  ['soft hyphen', '\u00ad'],
  ['combining grapheme joiner', '\u034f'],
  ['Mongolian vowel separator', '\u180e'],
  ['Hangul filler', '\u3164'],
  ['halfwidth Hangul filler', '\uffa0'],
  ['Khmer inherent vowel', '\u17b4'],
  ['left-to-right embedding', '\u202a'],
  ['right-to-left override', '\u202e'],
  ['pop directional formatting', '\u202c'],
  ['left-to-right isolate', '\u2066'],
  ['first strong isolate', '\u2068'],
  ['pop directional isolate', '\u2069'],
  ['Arabic letter mark', '\u061c'],
  ['right-to-left mark', '\u200f'],
  ['line separator', '\u2028'],
  ['interlinear annotation', '\ufff9'],
  ['tag A (ASCII smuggling)', '\u{e0041}'],
  ['cancel tag', '\u{e007f}'],
  ['language tag', '\u{e0001}'],
  ['variation selector 17', '\u{e0100}'],
  ['lone high surrogate', '\ud800'],
  ['lone low surrogate', '\udc00'],
];

describe('characters nobody sees', () => {
  it.each(HIDDEN)('terminalSafe shows a %s', (_name, c) => {
    const out = terminalSafe(`gh${c}p_token`);
    expect(out).not.toContain(c);
    expect(out).toMatch(/^gh\\(?:x[0-9A-F]{2}|u[0-9A-F]{4}|u\{[0-9A-F]{5}\})p_token$/);
    expect(isTerminalSafe(out)).toBe(true);
    expect(isTerminalSafe(`a${c}b`)).toBe(false);
  });

  it.each(HIDDEN)('visible and the report show a %s as its code point', (_name, c) => {
    const code = c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    expect(visible(`dana${c}@example.com`)).toBe(`dana‹U+${code}›@example.com`);
    expect(showInvisible(`x${c}y`)).toBe(`x‹U+${code}›y`);
  });

  it('hides no ASCII text in tag characters: every tag is shown', () => {
    const hidden = [...'rm -rf /'].map((ch) => String.fromCodePoint(0xe0000 + ch.charCodeAt(0))).join('');
    const out = terminalSafe(`harmless${hidden}`);
    expect(out).toBe('harmless\\u{E0072}\\u{E006D}\\u{E0020}\\u{E002D}\\u{E0072}\\u{E0066}\\u{E0020}\\u{E002F}');
  });

  it('keeps what people write: accents, CJK, emoji, an emoji built with joiners, flags, newlines and tabs', () => {
    const text = 'café 漢字 🙂 👩‍💻 👨‍👩‍👧 ❤️‍🔥 🇩🇪 ✔︎\tcol\nline';
    expect(terminalSafe(text)).toBe(text);
    expect(visibleKeepingLines(text)).toBe(text);
    expect(visible('👩‍💻 dana')).toBe('👩‍💻 dana');
  });

  it('a joiner next to one emoji but not between two is shown', () => {
    expect(terminalSafe('🙂\u200dtoken')).toBe('🙂\\u200Dtoken');
    expect(terminalSafe('token\u200d🙂')).toBe('token\\u200D🙂');
  });

  it('visible keeps a name on one line; terminalSafe keeps lines and drops colour', () => {
    expect(visible('a\nb\tc\u001b[31m')).toBe('a‹U+000A›b‹U+0009›c‹U+001B›[31m');
    expect(terminalSafe('a\nb\tc\u001b[31md')).toBe('a\nb\tcd');
  });

  it('property: one rule — whatever terminalSafe escapes, visible marks, and neither lets one through', () => {
    const UNIT = fc.oneof(
      fc.constantFrom(...HIDDEN.map(([, c]) => c), '\u001b', '\u009b', '\u0007', '\r', '\n', '\t', 'a', 'é', '🙂', '\u200d', '\ufe0f', '漢'),
      fc.integer({ min: 0, max: 0x10ffff }).map((n) => (n >= 0xd800 && n <= 0xdfff ? 'x' : String.fromCodePoint(n))),
    );
    fc.assert(
      fc.property(fc.array(UNIT, { maxLength: 40 }), (units) => {
        const text = units.join('');
        const safe = terminalSafe(text);
        expect(isTerminalSafe(safe)).toBe(true);
        const shown = visible(text);
        expect(isTerminalSafe(shown)).toBe(true);
        expect(shown).not.toMatch(/[\n\t]/);
        // Unchanged by one exactly when unchanged by the other (newline and tab aside).
        const plain = text.replace(/[\n\t]/g, ' ');
        expect(terminalSafe(plain) === plain).toBe(visible(plain) === plain);
      }),
      { numRuns: 2000 },
    );
  });
});
