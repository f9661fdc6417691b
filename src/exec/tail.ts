// The last lines of a stream, for display: bounded however much the command prints.

import { StringDecoder } from 'node:string_decoder';

export class OutputTail {
  private readonly decoder = new StringDecoder('utf8');
  private lines: string[] = [];
  private partial = '';
  private dropped = 0;
  totalBytes = 0;

  constructor(private readonly maxLines = 500, private readonly maxLineLength = 2_000) {}

  push(chunk: Buffer): void {
    this.totalBytes += chunk.length;
    const text = this.partial + this.decoder.write(chunk);
    const parts = text.split('\n');
    this.partial = parts.pop()!.slice(-this.maxLineLength);
    for (const line of parts) this.lines.push(line.length > this.maxLineLength ? `${line.slice(0, this.maxLineLength)}…` : line);
    if (this.lines.length > this.maxLines * 2) this.trim();
  }

  private trim(): void {
    const extra = this.lines.length - this.maxLines;
    if (extra > 0) {
      this.dropped += extra;
      this.lines = this.lines.slice(extra);
    }
  }

  /** Lines not kept because the tail is bounded. */
  get droppedLines(): number {
    this.trim();
    return this.dropped;
  }

  /** The last `n` lines (all kept lines by default), the unfinished one included. */
  last(n = this.maxLines): string[] {
    this.trim();
    const all = this.partial ? [...this.lines, this.partial] : this.lines;
    return all.slice(-n);
  }

  text(): string {
    return this.last().join('\n');
  }
}
