// Excerpts of evidence files: the same answer whether a file is read whole (small) or through the
// shared scratch buffer (big), whatever was read before it.
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { excerpt } from '../../src/report/excerpt.js';
import { readResultTable } from '../../src/report/results.js';

const dir = mkdtempSync(join(tmpdir(), 'runbook-excerpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (text: string | Buffer) => {
  const path = join(dir, `f${n++}`);
  writeFileSync(path, text);
  return path;
};
const numbered = (count: number, width = 0) => Array.from({ length: count }, (_, i) => `line ${i + 1}`.padEnd(width, '.')).join('\n');

describe('excerpt', () => {
  it('shows a short output whole, with or without its last newline', () => {
    expect(excerpt(file('a\nb\n'), 20, 20)).toEqual({ head: ['a', 'b'], tail: [], totalLines: 2, omitted: 0 });
    expect(excerpt(file('a\nb'), 20, 20)).toEqual({ head: ['a', 'b'], tail: [], totalLines: 2, omitted: 0 });
    expect(excerpt(file(''), 20, 20)).toEqual({ head: [], tail: [], totalLines: 0, omitted: 0 });
    expect(excerpt(file('\n'), 20, 20)).toEqual({ head: [''], tail: [], totalLines: 1, omitted: 0 });
  });

  it('keeps the ends of a small file with many lines', () => {
    const ex = excerpt(file(`${numbered(1000)}\n`), 3, 2)!;
    expect(ex).toEqual({ head: ['line 1', 'line 2', 'line 3'], tail: ['line 999', 'line 1000'], totalLines: 1000, omitted: 995 });
  });

  it('counts every line of files bigger than the scratch buffer, one after another, without counting what the last one left', () => {
    // 3 MiB, then 1.5 MiB: a buffer reused without its length would count stale lines from the first.
    const big = excerpt(file(`${numbered(30_000, 104)}\n`), 2, 2)!;
    expect(big.totalLines).toBe(30_000);
    expect(big.head).toEqual(['line 1'.padEnd(104, '.'), 'line 2'.padEnd(104, '.')]);
    expect(big.tail).toEqual(['line 29999'.padEnd(104, '.'), 'line 30000'.padEnd(104, '.')]);
    const smaller = excerpt(file(numbered(15_000, 104)), 1, 1)!;
    expect(smaller).toMatchObject({ totalLines: 15_000, omitted: 14_998, tail: ['line 15000'.padEnd(104, '.')] });
    // Just over the whole-read limit (128 KiB), and just under it.
    expect(excerpt(file(`${'x'.repeat(131_072)}\n`), 20, 20)!).toMatchObject({ totalLines: 1 });
    expect(excerpt(file('y'.repeat(131_071)), 20, 20)!).toMatchObject({ totalLines: 1, tail: [] });
  });

  it('cuts very long lines and is undefined for a file that is not there', () => {
    const ex = excerpt(file(`${'z'.repeat(1000)}\nshort\n`), 20, 20)!;
    expect(ex.head[0]).toBe(`${'z'.repeat(400)}…`);
    expect(ex.head[1]).toBe('short');
    expect(excerpt(join(dir, 'missing'), 20, 20)).toBeUndefined();
  });

  it('has no excerpt of a folder or a named pipe in an evidence file\'s place (verify names them), and never waits on the pipe', () => {
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    expect(excerpt(folder, 20, 20)).toBeUndefined();
    const pipe = join(dir, 'a-pipe');
    expect(spawnSync('mkfifo', [pipe]).status).toBe(0);
    expect(excerpt(pipe, 20, 20)).toBeUndefined();
  });

  it('has no excerpt or table of a link to a device that never ends', async () => {
    const link = join(dir, 'zeros');
    symlinkSync('/dev/zero', link);
    expect(excerpt(link, 20, 20)).toBeUndefined();
    expect(await readResultTable(link, 20)).toBeUndefined();
  }, 10_000);

  it('has no result table of a named pipe either', async () => {
    const pipe = join(dir, 'another-pipe');
    expect(spawnSync('mkfifo', [pipe]).status).toBe(0);
    expect(await readResultTable(pipe, 20)).toBeUndefined();
  });
});
