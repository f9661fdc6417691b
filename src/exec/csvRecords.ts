// Counting CSV records as their bytes stream past, without parsing them: a record ends at a newline
// outside quotes (a quoted value may hold newlines; an escaped quote "" toggles twice and changes
// nothing). Chunks may split a record, a quoted value or a "" anywhere.

const QUOTE = 0x22;
const NEWLINE = 0x0a;

export class CsvRecordCounter {
  /** Records completed so far (the header included). */
  records = 0;
  /** In the last chunk pushed, the offset just past the last record it completed, or -1 when it completed none. */
  lastEnd = -1;
  private inQuote = false;

  /** Data rows completed so far: the records after the header. */
  get rows(): number {
    return Math.max(0, this.records - 1);
  }

  /**
   * Count the records a chunk completes. Returns the offset just past the newline that completes
   * record number `until` (1-based, header included) when that happens in this chunk, else -1.
   */
  push(chunk: Buffer, until = Infinity): number {
    let found = -1;
    let pos = 0;
    const n = chunk.length;
    this.lastEnd = -1;
    // Most chunks hold no quote at all: only newlines to count.
    if (!this.inQuote && chunk.indexOf(QUOTE) < 0) {
      for (let nl = chunk.indexOf(NEWLINE); nl >= 0; nl = chunk.indexOf(NEWLINE, nl + 1)) {
        this.records++;
        this.lastEnd = nl + 1;
        if (found < 0 && this.records === until) found = nl + 1;
      }
      return found;
    }
    // The next quote and newline are looked up again only once passed, so a chunk is scanned once.
    let quote = chunk.indexOf(QUOTE, 0);
    let newline = chunk.indexOf(NEWLINE, 0);
    while (pos < n) {
      if (quote >= 0 && quote < pos) quote = chunk.indexOf(QUOTE, pos);
      if (newline >= 0 && newline < pos) newline = chunk.indexOf(NEWLINE, pos);
      if (this.inQuote) {
        if (quote < 0) break;
        this.inQuote = false;
        pos = quote + 1;
      } else if (newline >= 0 && (quote < 0 || newline < quote)) {
        this.records++;
        this.lastEnd = newline + 1;
        if (found < 0 && this.records === until) found = newline + 1;
        pos = newline + 1;
      } else if (quote >= 0) {
        this.inQuote = true;
        pos = quote + 1;
      } else break;
    }
    return found;
  }
}
