// Excerpts of evidence files: the first and last lines only, read from the ends of the file, so a
// 50 MB output costs a report a few kilobytes.

import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';

export interface Excerpt {
  head: string[];
  tail: string[];
  /** Lines in the whole file. */
  totalLines: number;
  omitted: number;
}

const EDGE_BYTES = 64 * 1024;
const MAX_LINE = 400;

function read(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  const n = readSync(fd, buf, 0, length, position);
  return buf.subarray(0, n);
}

function countLines(fd: number, size: number): number {
  let lines = 0;
  const chunk = Buffer.alloc(1 << 20);
  for (let position = 0; position < size; ) {
    const n = readSync(fd, chunk, 0, chunk.length, position);
    if (!n) break;
    for (let i = chunk.indexOf(0x0a, 0); i >= 0 && i < n; i = chunk.indexOf(0x0a, i + 1)) lines++;
    position += n;
  }
  return lines;
}

const clip = (line: string) => (line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}…` : line);

/** The first `headLines` and last `tailLines` lines of a file (all of it when it is short). */
export function excerpt(path: string, headLines = 40, tailLines = 40): Excerpt | undefined {
  if (!existsSync(path)) return undefined;
  const size = statSync(path).size;
  const fd = openSync(path, 'r');
  try {
    const totalLines = countLines(fd, size) + (size && read(fd, size - 1, 1)[0] !== 0x0a ? 1 : 0);
    if (totalLines <= headLines + tailLines && size <= EDGE_BYTES * 2) {
      const all = read(fd, 0, size).toString('utf8').replace(/\n$/, '').split('\n').map(clip);
      return { head: size ? all : [], tail: [], totalLines, omitted: 0 };
    }
    const head = read(fd, 0, Math.min(size, EDGE_BYTES)).toString('utf8').split('\n').slice(0, headLines).map(clip);
    const tailText = read(fd, Math.max(0, size - EDGE_BYTES), Math.min(size, EDGE_BYTES)).toString('utf8').replace(/\n$/, '');
    const tail = tailText.split('\n').slice(-tailLines).map(clip);
    return { head, tail, totalLines, omitted: Math.max(0, totalLines - head.length - tail.length) };
  } finally {
    closeSync(fd);
  }
}
