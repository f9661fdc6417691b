// Which lines of a large block of output could hold a secret, found in one cheap pass over the bytes, so
// the redaction patterns run only on those lines and every other line is passed through as it came.
//
// Each pattern declares a trigger: something every match of it contains (a literal, compared without
// regard to case, or a long run of token characters). A line with no trigger cannot match any pattern.
// Literals are found with one Aho-Corasick automaton over the bytes (one table step per byte: the
// patterns' own hints cost one regex scan each, 1.7 s per 50 MB between them); long runs with a loop
// that looks at every `min`-th byte only.

/** What every match of a pattern contains. */
export interface Trigger {
  /** Literals, compared without regard to ASCII case. */
  literals?: string[];
  /** Literals that count only when no lower-case letter follows (`pat`, `PAT_`, `patValue`; not `path`). */
  wordEnd?: string[];
  /** A run of at least this many of [A-Za-z0-9_-]. */
  wordRun?: number;
  /** A run of at least this many of [A-Za-z0-9+/]. */
  base64Run?: number;
}

const NEWLINE = 0x0a;
const lower = (byte: number) => (byte >= 0x41 && byte <= 0x5a ? byte + 0x20 : byte);
const isLetter = (b: number) => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
const isLowerCase = new Uint8Array(256).map((_, b) => Number(b >= 0x61 && b <= 0x7a));
const WORD_CHARS = new Uint8Array(256).map((_, b) => Number(isLetter(b) || (b >= 0x30 && b <= 0x39) || b === 0x5f || b === 0x2d));
const BASE64_CHARS = new Uint8Array(256).map((_, b) => Number(isLetter(b) || (b >= 0x30 && b <= 0x39) || b === 0x2b || b === 0x2f));

export class LineScanner {
  /** Byte → symbol (case folded); 0 is every byte no literal uses. */
  private readonly symbol = new Uint8Array(256);
  private readonly symbols: number;
  /** state offset + symbol → next state offset (an offset is state × symbols). */
  private readonly next: Int32Array;
  /** Offsets from here on are states where a word-end literal ends; from `anyStart` on, any literal. */
  private readonly wordEndStart: number;
  private readonly anyStart: number;
  private readonly wordRun: number;
  private readonly base64Run: number;

  constructor(triggers: Trigger[]) {
    const literals = triggers.flatMap((t) => t.literals ?? []);
    const wordEnd = triggers.flatMap((t) => t.wordEnd ?? []);
    const runs = (pick: (t: Trigger) => number | undefined) => Math.min(Infinity, ...triggers.map(pick).filter((n): n is number => n !== undefined));
    this.wordRun = runs((t) => t.wordRun);
    this.base64Run = runs((t) => t.base64Run);

    const bytesOf = (literal: string) => [...Buffer.from(literal, 'latin1')].map(lower);
    let count = 1;
    for (const literal of [...literals, ...wordEnd]) for (const byte of bytesOf(literal)) if (!this.symbol[byte]) this.symbol[byte] = count++;
    for (let b = 0x41; b <= 0x5a; b++) this.symbol[b] = this.symbol[b + 0x20]!;
    this.symbols = count;

    // The trie, then failure links breadth first (Aho-Corasick), then a full transition table.
    const children: Array<Map<number, number>> = [new Map()];
    const ends: number[] = [0]; // 0 none, 1 word-end literal, 2 any literal
    const add = (literal: string, kind: number) => {
      if (!literal) throw new Error('empty trigger literal');
      let state = 0;
      for (const byte of bytesOf(literal)) {
        const sym = this.symbol[byte]!;
        let child = children[state]!.get(sym);
        if (child === undefined) {
          child = children.length;
          children.push(new Map());
          ends.push(0);
          children[state]!.set(sym, child);
        }
        state = child;
      }
      ends[state] = Math.max(ends[state]!, kind);
    };
    for (const literal of wordEnd) add(literal, 1);
    for (const literal of literals) add(literal, 2);
    const states = children.length;
    const delta = new Int32Array(states * count);
    const fail = new Int32Array(states);
    const queue: number[] = [];
    for (let sym = 0; sym < count; sym++) {
      const child = children[0]!.get(sym);
      if (child !== undefined) queue.push(child);
      delta[sym] = child ?? 0;
    }
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head]!;
      // A word-end literal inside a longer one still needs its own check; any literal wins.
      ends[state] = Math.max(ends[state]!, ends[fail[state]!]!);
      for (let sym = 0; sym < count; sym++) {
        const child = children[state]!.get(sym);
        if (child === undefined) delta[state * count + sym] = delta[fail[state]! * count + sym]!;
        else {
          fail[child] = delta[fail[state]! * count + sym]!;
          delta[state * count + sym] = child;
          queue.push(child);
        }
      }
    }
    // Renumber so that the kind of a state is a comparison: plain states, then word-end, then any.
    const order = [0, 1, 2].flatMap((kind) => [...Array(states).keys()].filter((s) => ends[s] === kind));
    const position = new Int32Array(states);
    order.forEach((state, i) => (position[state] = i));
    this.next = new Int32Array(states * count);
    for (let s = 0; s < states; s++) for (let sym = 0; sym < count; sym++) this.next[position[s]! * count + sym] = position[delta[s * count + sym]!]! * count;
    this.wordEndStart = order.findIndex((s) => ends[s]! >= 1) * count;
    this.anyStart = order.findIndex((s) => ends[s] === 2) * count;
    if (this.wordEndStart < 0) this.wordEndStart = Infinity;
    if (this.anyStart < 0) this.anyStart = Infinity;
  }

  /** Line starts of the lines that hold a literal, in order. */
  private literalLines(buf: Buffer): number[] {
    const found: number[] = [];
    const { symbol, next, wordEndStart, anyStart } = this;
    const end = buf.length;
    let state = 0;
    let lineStart = 0;
    for (let i = 0; i < end; i++) {
      const byte = buf[i]!;
      if (byte === NEWLINE) {
        state = 0;
        lineStart = i + 1;
        continue;
      }
      state = next[state + symbol[byte]!]!;
      if (state >= wordEndStart && (state >= anyStart || i + 1 === end || !isLowerCase[buf[i + 1]!])) {
        found.push(lineStart);
        // The line is in: go on from the next one.
        const newline = buf.indexOf(NEWLINE, i);
        if (newline < 0) break;
        i = newline;
        state = 0;
        lineStart = newline + 1;
      }
    }
    return found;
  }

  /** Line starts of the lines that hold a run of at least `min` bytes of the class, in order. */
  private runLines(buf: Buffer, chars: Uint8Array, min: number): number[] {
    const found: number[] = [];
    if (!Number.isFinite(min)) return found;
    const end = buf.length;
    // Every run of `min` covers a byte at `probe`; look only there, and around it when it is in the class.
    let floor = 0;
    let probe = min - 1;
    while (probe < end) {
      if (!chars[buf[probe]!]) {
        floor = probe + 1;
        probe += min;
        continue;
      }
      let first = probe;
      while (first > floor && chars[buf[first - 1]!]) first--;
      let last = probe;
      while (last + 1 < end && last - first + 1 < min && chars[buf[last + 1]!]) last++;
      if (last - first + 1 >= min) {
        found.push(buf.lastIndexOf(NEWLINE, first) + 1);
        const newline = buf.indexOf(NEWLINE, last);
        if (newline < 0) break;
        floor = newline + 1;
        probe = newline + min;
      } else {
        floor = last + 2;
        probe = last + 1 + min;
      }
    }
    return found;
  }

  /** [start, end) byte ranges of the lines that could hold a secret, in order; the last may lack its newline. */
  candidates(buf: Buffer): number[] {
    const starts = [...new Set([...this.literalLines(buf), ...this.runLines(buf, WORD_CHARS, this.wordRun), ...this.runLines(buf, BASE64_CHARS, this.base64Run)])].sort((a, b) => a - b);
    const ranges: number[] = [];
    for (const start of starts) {
      const newline = buf.indexOf(NEWLINE, start);
      ranges.push(start, newline < 0 ? buf.length : newline + 1);
    }
    return ranges;
  }
}
