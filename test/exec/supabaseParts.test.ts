// The small pure parts of the Supabase verbs: splitting a verb line, the expiry, measuring an answer.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseExpires, sizeFrom } from '../../src/exec/supabase/storage.js';
import { splitWords } from '../../src/exec/supabase/words.js';

describe('splitWords', () => {
  it('keeps quoted spaces and escapes in one word, and expands nothing', () => {
    expect(splitWords(`storage signed-url ebooks "folder/sub dir/a b.pdf" 60`)).toEqual(['storage', 'signed-url', 'ebooks', 'folder/sub dir/a b.pdf', '60']);
    expect(splitWords(`a 'it''s' b\\ c "q\\"uote" $HOME *`)).toEqual(['a', 'its', 'b c', 'q"uote', '$HOME', '*']);
    expect(splitWords(`x "" ''`)).toEqual(['x', '', '']);
    expect(() => splitWords(`a 'open`)).toThrow(/^unclosed single quote/);
  });

  it('gives back any word list that was quoted for it', () => {
    const quote = (w: string) => `'${w.replace(/'/g, `'"'"'`)}'`;
    fc.assert(fc.property(fc.array(fc.string({ minLength: 0, maxLength: 12 }).filter((w) => !/[\n\r]/.test(w)), { maxLength: 6 }), (words) => {
      expect(splitWords(words.map(quote).join(' '))).toEqual(words);
    }));
  });
});

describe('parseExpires', () => {
  it('takes whole seconds from 1 to a year, 60 by default', () => {
    expect(parseExpires(undefined)).toBe(60);
    expect(parseExpires('1')).toBe(1);
    expect(parseExpires('31536000')).toBe(31_536_000);
    for (const bad of ['0', '-1', '1.5', '1e3', ' 5', '31536001', '0x10', '']) expect(() => parseExpires(bad)).toThrow(/is not a whole number of seconds/);
  });
});

describe('sizeFrom', () => {
  it('reads the total of a ranged answer, or the length of a whole one', () => {
    expect(sizeFrom(206, new Headers({ 'content-range': 'bytes 0-0/1234' }))).toBe(1234);
    expect(sizeFrom(416, new Headers({ 'content-range': 'bytes */0' }))).toBe(0);
    expect(sizeFrom(200, new Headers({ 'content-length': '99' }))).toBe(99);
    expect(sizeFrom(206, new Headers({ 'content-range': 'bytes 0-0/*' }))).toBeUndefined();
    expect(sizeFrom(200, new Headers())).toBeUndefined();
  });
});

describe('anySignal', () => {
  it('aborts with the first reason, also where AbortSignal.any is missing (Node before 20.3)', async () => {
    const { anySignal } = await import('../../src/exec/supabase/client.js');
    const original = AbortSignal.any;
    try {
      (AbortSignal as unknown as { any?: unknown }).any = undefined;
      const a = new AbortController();
      const b = new AbortController();
      const both = anySignal([a.signal, b.signal]);
      expect(both.aborted).toBe(false);
      b.abort('second');
      expect(both.aborted).toBe(true);
      expect(both.reason).toBe('second');
      const already = new AbortController();
      already.abort('early');
      expect(anySignal([already.signal, a.signal]).reason).toBe('early');
    } finally {
      AbortSignal.any = original;
    }
  });
});
