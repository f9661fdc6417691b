// Who gets each key: the top layer first, in order, and typeahead held while a command works.
import { describe, expect, it } from 'vitest';
import { KeyDispatcher, MAX_QUEUED_KEYS } from '../../src/input/dispatcher.js';
import { splitKeys } from '../../src/input/splitKeys.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
const flush = () => new Promise<void>((r) => setImmediate(r));

describe('KeyDispatcher', () => {
  it('hands every key of one read to the top handler, in order', () => {
    const d = new KeyDispatcher();
    const seen: string[] = [];
    d.add((k) => void seen.push(`screen:${k.input}`));
    d.add((k) => void seen.push(`dialog:${k.input}`), 2);
    d.push(splitKeys('abc'));
    expect(seen).toEqual(['dialog:a', 'dialog:b', 'dialog:c']);
  });

  it('passes a key down when the top handler declines it', () => {
    const d = new KeyDispatcher();
    const seen: string[] = [];
    d.add((k) => void seen.push(`screen:${k.input}`));
    d.add((k) => (k.input === 'x' ? false : void seen.push(`dialog:${k.input}`)), 2);
    d.push(splitKeys('axb'));
    expect(seen).toEqual(['dialog:a', 'screen:x', 'dialog:b']);
  });

  it('holds keys before any handler exists and delivers them to the first', () => {
    const d = new KeyDispatcher();
    d.push(splitKeys('jj'));
    expect(d.pending).toBe(2);
    const seen: string[] = [];
    d.add((k) => void seen.push(k.input));
    expect(seen).toEqual(['j', 'j']);
  });

  it('holds the keys after a slow command for the dialog it opens, then for the screen when it settles', async () => {
    const d = new KeyDispatcher();
    const seen: string[] = [];
    const work = deferred();
    d.add((k) => {
      seen.push(`screen:${k.input}`);
      if (k.input === 'r') return work.promise;
    });
    // `r` starts a sandbox, the rest is typed ahead.
    d.push(splitKeys('rebooks\rj'));
    expect(seen).toEqual(['screen:r']);
    expect(d.pending).toBe(8);
    // The command opens a dialog: it takes the keys typed ahead, up to its answer.
    let answered = false;
    const removeDialog = d.add((k) => {
      if (answered) return false;
      if (k.return) answered = true;
      else seen.push(`dialog:${k.input}`);
    }, 2);
    expect(seen.slice(1)).toEqual(['dialog:e', 'dialog:b', 'dialog:o', 'dialog:o', 'dialog:k', 'dialog:s']);
    // After the answer the screen is still busy: `j` waits for the command to end.
    expect(d.pending).toBe(1);
    removeDialog();
    expect(d.pending).toBe(1);
    work.resolve();
    await flush();
    expect(seen.at(-1)).toBe('screen:j');
    expect(d.idle).toBe(true);
  });

  it('releases the keys when the command fails', async () => {
    const d = new KeyDispatcher();
    const seen: string[] = [];
    d.add((k) => {
      seen.push(k.input);
      if (k.input === 'r') return Promise.reject(new Error('no sandbox'));
    });
    d.push(splitKeys('rj'));
    await flush();
    expect(seen).toEqual(['r', 'j']);
  });

  it('drops keys beyond the limit and says how many', () => {
    const dropped: number[] = [];
    const d = new KeyDispatcher((n) => dropped.push(n));
    d.push(splitKeys('x'.repeat(MAX_QUEUED_KEYS + 5)));
    expect(d.pending).toBe(MAX_QUEUED_KEYS);
    expect(dropped).toEqual([5]);
  });

  it('drops a key nobody wants instead of holding it forever', () => {
    const d = new KeyDispatcher();
    d.add(() => false);
    d.push(splitKeys('q'));
    expect(d.pending).toBe(0);
  });
});

describe('KeyDispatcher and views over the screen', () => {
  it('holds keys from a view that was there before the command, but not from the dialog it opened', async () => {
    const d = new KeyDispatcher();
    const seen: string[] = [];
    const work = deferred();
    d.add((k) => {
      seen.push(`screen:${k.input}`);
      if (k.input === 'r') return work.promise;
    });
    // A view over the screen (the Step screen's table keys), there before `r`.
    d.add((k) => (k.input === 'o' ? void seen.push('view:o') : false), 1);
    d.push(splitKeys('ro'));
    expect(seen).toEqual(['screen:r']);
    const remove = d.add((k) => void seen.push(`dialog:${k.input}`), 2);
    expect(seen).toEqual(['screen:r', 'dialog:o']);
    remove();
    d.push(splitKeys('o'));
    expect(seen).toHaveLength(2);
    work.resolve();
    await flush();
    expect(seen.at(-1)).toBe('view:o');
  });
});

describe('typed ahead', () => {
  it('tells a handler which keys arrived before it existed', () => {
    const d = new KeyDispatcher();
    const work = deferred();
    d.add((k) => (k.input === 'r' ? work.promise : undefined));
    d.push(splitKeys('ry'));
    const seen: Array<[string, boolean]> = [];
    d.add((k, { typedAhead }) => void seen.push([k.input, typedAhead]), 2);
    d.push(splitKeys('n'));
    expect(seen).toEqual([
      ['y', true],
      ['n', false],
    ]);
  });
});
