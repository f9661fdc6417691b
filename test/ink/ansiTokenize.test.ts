// The faster row join bundled into Ink's output must give byte for byte what the original gives, for
// any row Ink can build: styled text from tokenize, blank cells between, wide characters, links.
import * as original from '@alcalzone/ansi-tokenize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { styledCharsToString } from '../../src/ink/ansiTokenize.js';

const ESC = '\u001b';
const codes = [
  `${ESC}[0m`, `${ESC}[1m`, `${ESC}[22m`, `${ESC}[2m`, `${ESC}[3m`, `${ESC}[23m`, `${ESC}[4m`, `${ESC}[24m`, `${ESC}[7m`, `${ESC}[27m`,
  `${ESC}[31m`, `${ESC}[32m`, `${ESC}[39m`, `${ESC}[41m`, `${ESC}[49m`, `${ESC}[38;5;203m`, `${ESC}[48;2;1;2;3m`, `${ESC}[1;31m`, `${ESC}[90m`,
  `${ESC}]8;;https://example.com${ESC}\\`, `${ESC}]8;;${ESC}\\`,
];
const text = ['a', ' ', 'Z', '·', '↑', '❯', '─', '中', '😀', 'é', '\u0301'];
const piece = fc.oneof(fc.constantFrom(...codes), fc.constantFrom(...text), fc.string({ maxLength: 4 }));
const line = fc.array(piece, { maxLength: 30 }).map((parts) => parts.join(''));
const blank = (): original.StyledChar => ({ type: 'char', value: ' ', fullWidth: false, styles: [] });

/** A row as Ink's Output builds it: blank cells, with the styled characters of some writes laid over them. */
const row = fc.record({ width: fc.integer({ min: 0, max: 60 }), writes: fc.array(fc.tuple(fc.nat(60), line), { maxLength: 4 }) }).map(({ width, writes }) => {
  const cells: original.StyledChar[] = Array.from({ length: width }, blank);
  for (const [x, written] of writes) original.styledCharsFromTokens(original.tokenize(written)).forEach((c, i) => (cells[x + i] = c));
  return cells.filter((c) => c !== undefined);
});

describe("Ink's row join, bundled faster", () => {
  it('gives exactly what the original gives for any row', () => {
    fc.assert(
      fc.property(row, (cells) => {
        expect(styledCharsToString(cells)).toBe(original.styledCharsToString(cells));
      }),
      { numRuns: 3000 },
    );
  });

  it('gives the same for a row whose neighbours have equal styles made separately', () => {
    const bold = original.styledCharsFromTokens(original.tokenize(`${ESC}[1mab${ESC}[22m`));
    const again = original.styledCharsFromTokens(original.tokenize(`${ESC}[1mcd${ESC}[22m`));
    const cells = [...bold, ...again, blank(), ...original.styledCharsFromTokens(original.tokenize(`${ESC}[32;1mx`))];
    expect(styledCharsToString(cells)).toBe(original.styledCharsToString(cells));
    expect(styledCharsToString(cells)).toBe(`${ESC}[1mabcd${ESC}[22m ${ESC}[32m${ESC}[1mx${ESC}[22m${ESC}[39m`);
  });

  it('is what the bundle gives Ink in place of the package', async () => {
    const { readFileSync, readdirSync } = await import('node:fs');
    const dist = new URL('../../dist/chunks/', import.meta.url);
    const bundled = readdirSync(dist).filter((f) => f.endsWith('.js')).map((f) => readFileSync(new URL(f, dist), 'utf8')).join('\n');
    expect(bundled).toContain('function sameCodes(');
    expect(bundled.match(/function styledCharsToString\(/g)).toHaveLength(1);
  });
});
