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
  /** Also necessary, tested on the trigger's lines together before the pattern runs on them (a run is common). */
  confirm?: RegExp;
}

const NEWLINE = 0x0a;
const lower = (byte: number) => (byte >= 0x41 && byte <= 0x5a ? byte + 0x20 : byte);
const isLetter = (b: number) => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
const isLowerCase = new Uint8Array(256).map((_, b) => Number(b >= 0x61 && b <= 0x7a));
const WORD_CHARS = new Uint8Array(256).map((_, b) => Number(isLetter(b) || (b >= 0x30 && b <= 0x39) || b === 0x5f || b === 0x2d));
const BASE64_CHARS = new Uint8Array(256).map((_, b) => Number(isLetter(b) || (b >= 0x30 && b <= 0x39) || b === 0x2b || b === 0x2f));

/** The lines of a block that could hold a secret, and for each which triggers (bit i: trigger i) it holds. */
export interface Candidates {
  /** [start, end) byte ranges, in order; the last may lack its newline. */
  ranges: number[];
  /** One mask per range; every bit set when there are more triggers than bits. */
  masks: number[];
}

const MAX_TRIGGERS = 31;

export class LineScanner {
  /** Byte → symbol (case folded); 0 is every byte no literal uses. */
  private readonly symbol = new Uint8Array(256);
  private readonly symbols: number;
  /** state offset + symbol → next state offset (an offset is state × symbols). */
  private readonly next: Int32Array;
  /** Offsets from here on are states where a literal ends. */
  private readonly outputStart: number;
  /** Per state (offset / symbols): the triggers whose literal ends here, and those whose word-end literal does. */
  private readonly anyMask: Int32Array;
  private readonly wordEndMask: Int32Array;
  /** One pass per class: a line with a run of at least `min` holds the triggers in `mask`. */
  private readonly runs: Array<{ chars: Uint8Array; thresholds: Array<{ min: number; mask: number }> }> = [];

  constructor(triggers: Trigger[]) {
    const bit = (i: number) => (triggers.length > MAX_TRIGGERS ? -1 : 1 << i);
    for (const [chars, pick] of [[WORD_CHARS, (t: Trigger) => t.wordRun], [BASE64_CHARS, (t: Trigger) => t.base64Run]] as const) {
      const thresholds = triggers.flatMap((t, i) => (pick(t) === undefined ? [] : [{ min: pick(t)!, mask: bit(i) }])).sort((a, b) => a.min - b.min);
      if (thresholds.length) this.runs.push({ chars, thresholds });
    }

    const bytesOf = (literal: string) => [...Buffer.from(literal, 'latin1')].map(lower);
    // Symbol 1 is the newline: every state goes back to the start on it (no literal spans lines).
    let count = 2;
    this.symbol[NEWLINE] = 1;
    for (const t of triggers) for (const literal of [...(t.literals ?? []), ...(t.wordEnd ?? [])]) for (const byte of bytesOf(literal)) if (!this.symbol[byte]) this.symbol[byte] = count++;
    for (let b = 0x41; b <= 0x5a; b++) this.symbol[b] = this.symbol[b + 0x20]!;
    this.symbols = count;
    if (triggers.some((t) => [...(t.literals ?? []), ...(t.wordEnd ?? [])].some((l) => l.includes('\n')))) throw new Error('a trigger literal spans lines');

    // The trie, then failure links breadth first (Aho-Corasick), then a full transition table.
    const children: Array<Map<number, number>> = [new Map()];
    const any: number[] = [0];
    const wordEnd: number[] = [0];
    const add = (literal: string, masks: number[], mask: number) => {
      if (!literal) throw new Error('empty trigger literal');
      let state = 0;
      for (const byte of bytesOf(literal)) {
        const sym = this.symbol[byte]!;
        let child = children[state]!.get(sym);
        if (child === undefined) {
          child = children.length;
          children.push(new Map());
          any.push(0);
          wordEnd.push(0);
          children[state]!.set(sym, child);
        }
        state = child;
      }
      masks[state]! |= mask;
    };
    triggers.forEach((t, i) => {
      for (const literal of t.literals ?? []) add(literal, any, bit(i));
      for (const literal of t.wordEnd ?? []) add(literal, wordEnd, bit(i));
    });
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
      // A literal that ends here ends every literal that is a suffix of it too.
      any[state]! |= any[fail[state]!]!;
      wordEnd[state]! |= wordEnd[fail[state]!]!;
      for (let sym = 0; sym < count; sym++) {
        const child = children[state]!.get(sym);
        if (sym === 1) delta[state * count + sym] = 0;
        else if (child === undefined) delta[state * count + sym] = delta[fail[state]! * count + sym]!;
        else {
          fail[child] = delta[fail[state]! * count + sym]!;
          delta[state * count + sym] = child;
          queue.push(child);
        }
      }
    }
    // Renumber so that "a literal ends here" is one comparison: states without output first.
    const hasOutput = (s: number) => any[s] !== 0 || wordEnd[s] !== 0;
    const order = [...[...Array(states).keys()].filter((s) => !hasOutput(s)), ...[...Array(states).keys()].filter(hasOutput)];
    const position = new Int32Array(states);
    order.forEach((state, i) => (position[state] = i));
    this.next = new Int32Array(states * count);
    for (let s = 0; s < states; s++) for (let sym = 0; sym < count; sym++) this.next[position[s]! * count + sym] = position[delta[s * count + sym]!]! * count;
    this.anyMask = Int32Array.from(order, (s) => any[s]!);
    this.wordEndMask = Int32Array.from(order, (s) => wordEnd[s]!);
    const firstOutput = order.findIndex(hasOutput);
    this.outputStart = firstOutput < 0 ? Infinity : firstOutput * count;
  }

  /** The masks of the literals on each line that has any, by line start. */
  private literalLines(buf: Buffer, found: Map<number, number>): void {
    const { symbol, next, outputStart, anyMask, wordEndMask, symbols } = this;
    const end = buf.length;
    // The line of the last hit: [lineStart, lineEnd).
    let lineStart = 0;
    let lineEnd = -1;
    let state = 0;
    for (let i = 0; i < end; i++) {
      state = next[state + symbol[buf[i]!]!]!;
      if (state < outputStart) continue;
      const at = state / symbols;
      let mask = anyMask[at]!;
      if (wordEndMask[at] && (i + 1 === end || !isLowerCase[buf[i + 1]!])) mask |= wordEndMask[at]!;
      if (!mask) continue;
      if (i >= lineEnd) {
        lineStart = buf.lastIndexOf(NEWLINE, i) + 1;
        const newline = buf.indexOf(NEWLINE, i);
        lineEnd = newline < 0 ? end : newline;
      }
      found.set(lineStart, (found.get(lineStart) ?? 0) | mask);
    }
  }

  /** Adds to each line that holds a run of the class the triggers whose length it reaches. */
  private runLines(buf: Buffer, chars: Uint8Array, thresholds: Array<{ min: number; mask: number }>, found: Map<number, number>): void {
    const end = buf.length;
    const min = thresholds[0]!.min;
    // Every run of `min` covers a byte at `probe`; look only there, and around it when it is in the class.
    let floor = 0;
    let probe = min - 1;
    // The line start last found, and from where: a long line with many runs is walked back once, not per run.
    let lineStart = 0;
    let walkedFrom = 0;
    while (probe < end) {
      if (!chars[buf[probe]!]) {
        floor = probe + 1;
        probe += min;
        continue;
      }
      let first = probe;
      while (first > floor && chars[buf[first - 1]!]) first--;
      let last = probe;
      while (last + 1 < end && chars[buf[last + 1]!]) last++;
      const length = last - first + 1;
      if (length >= min) {
        let mask = 0;
        for (const t of thresholds) if (length >= t.min) mask |= t.mask;
        let at = first;
        while (at > walkedFrom && buf[at - 1] !== NEWLINE) at--;
        if (at > walkedFrom || buf[at - 1] === NEWLINE) lineStart = at;
        walkedFrom = first;
        found.set(lineStart, (found.get(lineStart) ?? 0) | mask);
      }
      floor = last + 2;
      probe = last + 1 + min;
    }
  }

  /** The lines that could hold a secret, in order, each with the triggers it holds. */
  candidates(buf: Buffer): Candidates {
    const found = new Map<number, number>();
    this.literalLines(buf, found);
    for (const { chars, thresholds } of this.runs) this.runLines(buf, chars, thresholds, found);
    const starts = [...found.keys()].sort((a, b) => a - b);
    const ranges: number[] = [];
    const masks: number[] = [];
    for (const start of starts) {
      const newline = buf.indexOf(NEWLINE, start);
      ranges.push(start, newline < 0 ? buf.length : newline + 1);
      masks.push(found.get(start)!);
    }
    return { ranges, masks };
  }
}
