// hasRun answers exactly what the regex it replaces answers, for any text and run length.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asciiClass, BASE64_CHARS, hasRun } from '../../src/session/charRun.js';

describe('hasRun', () => {
  it('agrees with /[A-Za-z0-9/+]{n}/ on any text', () => {
    const text = fc.array(fc.constantFrom('a', 'Z', '0', '9', '/', '+', '=', '-', '_', ',', ' ', '\n', 'é', '日', '😀', 'aaaaaaaaaa', '0123456789'), { maxLength: 40 }).map((p) => p.join(''));
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 45 }), (t, n) => {
        expect(hasRun(t, BASE64_CHARS, n)).toBe(new RegExp(`[A-Za-z0-9/+]{${n}}`).test(t));
      }),
      { numRuns: 3000 },
    );
  });

  it('finds a run at the very start and the very end, and none one short', () => {
    const run = 'A'.repeat(40);
    expect(hasRun(run, BASE64_CHARS, 40)).toBe(true);
    expect(hasRun(`${run},x`, BASE64_CHARS, 40)).toBe(true);
    expect(hasRun(`x,${run}`, BASE64_CHARS, 40)).toBe(true);
    expect(hasRun(`${'A'.repeat(39)},${'A'.repeat(39)}`, BASE64_CHARS, 40)).toBe(false);
    expect(hasRun('ab', asciiClass('ab'), 2)).toBe(true);
    expect(hasRun('', BASE64_CHARS, 1)).toBe(false);
  });
});
