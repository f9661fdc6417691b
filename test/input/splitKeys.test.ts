// Batched input: what one read of the terminal holds, key by key.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createKeySplitter, splitKeys, typedText, type Key } from '../../src/input/splitKeys.js';

const names = (keys: Key[]) =>
  keys.map((k) => {
    const flags = (Object.keys(k) as Array<keyof Key>).filter((f) => f !== 'input' && f !== 'shift' && k[f]);
    return [k.ctrl ? `^${k.input}` : k.paste ? `paste:${k.input}` : k.input, ...flags.filter((f) => f !== 'ctrl' && f !== 'paste')].filter(Boolean).join('+');
  });

describe('splitKeys', () => {
  it('splits printable runs into one key per character', () => {
    expect(names(splitKeys('jjj'))).toEqual(['j', 'j', 'j']);
    expect(names(splitKeys('ebooks\r'))).toEqual(['e', 'b', 'o', 'o', 'k', 's', 'return']);
  });

  it('splits arrows, Home/End and Page keys in CSI and SS3 forms', () => {
    expect(names(splitKeys('\u001b[B\u001b[B'))).toEqual(['downArrow', 'downArrow']);
    expect(names(splitKeys('\u001bOA\u001bOB\u001bOC\u001bOD'))).toEqual(['upArrow', 'downArrow', 'rightArrow', 'leftArrow']);
    expect(names(splitKeys('\u001b[H\u001b[F\u001b[1~\u001b[4~\u001b[7~\u001b[8~'))).toEqual(['home', 'end', 'home', 'end', 'home', 'end']);
    expect(names(splitKeys('\u001b[5~\u001b[6~\u001b[3~'))).toEqual(['pageUp', 'pageDown', 'delete']);
  });

  it('keeps modifiers of xterm sequences and ignores keys it does not know', () => {
    expect(splitKeys('\u001b[1;5A')[0]).toMatchObject({ upArrow: true, ctrl: true });
    expect(splitKeys('\u001b[1;2B')[0]).toMatchObject({ downArrow: true, shift: true });
    expect(names(splitKeys('\u001b[15~j\u001b[2~k'))).toEqual(['j', 'k']);
    expect(splitKeys('\u001b[Z')[0]).toMatchObject({ tab: true, shift: true });
  });

  it('reads Esc followed by a key in the same read as Esc, then that key', () => {
    expect(names(splitKeys('\u001b'))).toEqual(['escape']);
    expect(names(splitKeys('\u001bj'))).toEqual(['escape', 'j']);
    expect(names(splitKeys('\u001b\u001b'))).toEqual(['escape', 'escape']);
    expect(names(splitKeys('\u001b\u001b[A'))).toEqual(['escape', 'upArrow']);
    expect(names(splitKeys('j\u001b\r'))).toEqual(['j', 'escape', 'return']);
  });

  it('reads control characters as Ctrl keys, Enter, Tab and Backspace', () => {
    expect(names(splitKeys('\u0003'))).toEqual(['^c']);
    expect(names(splitKeys('\u0015\u0017'))).toEqual(['^u', '^w']);
    expect(names(splitKeys('\r\n\n\t\u007f\b'))).toEqual(['return', 'return', 'tab', 'backspace', 'backspace']);
    expect(splitKeys('\u0000')).toEqual([]);
    expect(splitKeys('\u009b31m')).toHaveLength(3);
  });

  it('keeps a bracketed paste whole, even across reads, with its newlines', () => {
    expect(names(splitKeys('\u001b[200~rdd\rq\u001b[201~j'))).toEqual(['paste:rdd\rq', 'j']);
    const splitter = createKeySplitter();
    expect(splitter.push('\u001b[200~line one\n')).toEqual([]);
    expect(splitter.push('line two\u001b[201~\r').map((k) => [k.input, k.paste, k.return])).toEqual([
      ['line one\nline two', true, false],
      ['', false, true],
    ]);
  });

  it('keeps characters outside the BMP whole and marks capitals as shifted', () => {
    expect(names(splitKeys('😀é'))).toEqual(['😀', 'é']);
    expect(splitKeys('G')[0]).toMatchObject({ input: 'G', shift: true });
  });

  it('turns a paste into single-line text for a field, controls removed', () => {
    expect(typedText(splitKeys('\u001b[200~a\r\nb\u001b[31mc\u001b[201~')[0]!)).toBe('a b[31mc');
    expect(typedText(splitKeys('\u0003')[0]!)).toBe('');
    expect(typedText(splitKeys('x')[0]!)).toBe('x');
  });

  it('never loses a printable character of any run, whatever is mixed in (property)', () => {
    const piece = fc.oneof(
      fc.constantFrom('\u001b[A', '\u001b[B', '\u001b[5~', '\u001bOH', '\r', '\t', '\u007f', '\u0003'),
      fc.string({ unit: fc.constantFrom('a', 'j', 'k', 'Z', '1', '/', ' ', 'é'), minLength: 1, maxLength: 4 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 20 }), (pieces) => {
        const keys = splitKeys(pieces.join(''));
        const printable = pieces.filter((p) => !/[\u0000-\u001f\u007f]/.test(p)).join('');
        expect(keys.filter((k) => k.input && !k.ctrl).map((k) => k.input).join('')).toBe(printable);
        const special = pieces.filter((p) => /[\u0000-\u001f\u007f]/.test(p)).length;
        expect(keys.filter((k) => !k.input || k.ctrl)).toHaveLength(special);
      }),
    );
  });
});

describe('a paste that never ends', () => {
  it('is handed over at its size limit instead of swallowing every later key', async () => {
    const { MAX_PASTE } = await import('../../src/input/splitKeys.js');
    const splitter = createKeySplitter();
    expect(splitter.push('\u001b[200~' + 'x'.repeat(MAX_PASTE))).toHaveLength(1);
    expect(names(splitter.push('jj'))).toEqual(['j', 'j']);
  });
});
