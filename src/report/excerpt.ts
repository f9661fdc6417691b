// Excerpts of evidence files: the first and last lines only, read from the ends of the file, so a
// 50 MB output costs a report a few kilobytes.

import { closeSync, constants, existsSync, fstatSync, openSync, readSync } from 'node:fs';

export interface Excerpt {
  head: string[];
  tail: string[];
  /** Lines in the whole file. */
  totalLines: number;
  omitted: number;
}

const EDGE_BYTES = 64 * 1024;
const MAX_LINE = 400;

/** One scratch buffer for every file: a report of 20,000 outputs allocates it once, not 20,000 times. */
let scratch: Buffer | undefined;
const scratchBuffer = (): Buffer => (scratch ??= Buffer.allocUnsafe(1 << 20));

function read(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  const n = readSync(fd, buf, 0, length, position);
  return buf.subarray(0, n);
}

function countNewlines(bytes: Buffer): number {
  let lines = 0;
  for (let i = bytes.indexOf(0x0a); i >= 0; i = bytes.indexOf(0x0a, i + 1)) lines++;
  return lines;
}

function countLines(fd: number, size: number): number {
  let lines = 0;
  const chunk = scratchBuffer();
  for (let position = 0; position < size; ) {
    const n = readSync(fd, chunk, 0, chunk.length, position);
    if (!n) break;
    lines += countNewlines(chunk.subarray(0, n));
    position += n;
  }
  return lines;
}

const clip = (line: string) => (line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}…` : line);

/** The first `headLines` and last `tailLines` lines of a file (all of it when it is short). */
export function excerpt(path: string, headLines = 40, tailLines = 40): Excerpt | undefined {
  let fd: number;
  try {
    // Non-blocking: a named pipe in an evidence file's place must not hang the report.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    if (!existsSync(path)) return undefined;
    throw error;
  }
  try {
    const stats = fstatSync(fd);
    // A folder or a pipe where the file should be: verify names it at the top of the report.
    if (!stats.isFile()) return undefined;
    const size = stats.size;
    // A small file (most outputs) is read once, whole; a big one is counted through the scratch buffer
    // and only its two ends are kept.
    const whole = size <= EDGE_BYTES * 2 ? read(fd, 0, size) : undefined;
    const lastByte = whole ? whole[size - 1] : size ? read(fd, size - 1, 1)[0] : undefined;
    const totalLines = (whole ? countNewlines(whole) : countLines(fd, size)) + (size && lastByte !== 0x0a ? 1 : 0);
    if (whole && totalLines <= headLines + tailLines) {
      const all = whole.toString('utf8').replace(/\n$/, '').split('\n').map(clip);
      return { head: size ? all : [], tail: [], totalLines, omitted: 0 };
    }
    const headBytes = whole ? whole.subarray(0, Math.min(size, EDGE_BYTES)) : read(fd, 0, Math.min(size, EDGE_BYTES));
    const tailBytes = whole ? whole.subarray(Math.max(0, size - EDGE_BYTES)) : read(fd, Math.max(0, size - EDGE_BYTES), Math.min(size, EDGE_BYTES));
    const head = headBytes.toString('utf8').split('\n').slice(0, headLines).map(clip);
    const tailText = tailBytes.toString('utf8').replace(/\n$/, '');
    const tail = tailText.split('\n').slice(-tailLines).map(clip);
    return { head, tail, totalLines, omitted: Math.max(0, totalLines - head.length - tail.length) };
  } finally {
    closeSync(fd);
  }
}
