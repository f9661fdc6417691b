// Terminal safety: text from outside (command output, SQL values, notes from the store, runbook text)
// is neutralised before it reaches a terminal or a report, so it cannot set the window title, write the
// clipboard (OSC 52), move the cursor, clear the screen, ask the terminal to type a reply, or reorder
// text with bidi controls. Evidence files keep the exact bytes; only what is shown is changed.
//
// Decisions (README "Terminal safety"):
// - Newline and tab pass. CRLF becomes LF (Windows line endings are not an attack).
// - SGR colour sequences (`ESC [ digits ; m`) are removed whole: no colour passes into the output pane,
//   so nothing can hide text (conceal, black on black) or blink; the pane keeps our own theme.
// - Every other control character is shown visibly, as psql does: `\x1B`, `\x07`, `\x9B`, and
//   `\u202E` for bidi and line-separator controls. What follows an escaped ESC stays as plain text.

import { isAscii } from 'node:buffer';

// C0 except \t and \n, DEL, C1 (U+0080–U+009F: U+009B is an 8-bit CSI), bidi embeddings/overrides/
// isolates, line and paragraph separators, and the BOM / zero-width no-break space in the middle of text.
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;
const SGR = /\u001b\[[0-9;:]*m/g;

function visible(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}` : `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Text made safe to print: SGR colour removed, every other control character shown as `\xHH`. */
export function terminalSafe(text: string): string {
  if (!UNSAFE.test(text)) return text;
  UNSAFE.lastIndex = 0;
  return text.replace(/\r\n/g, '\n').replace(SGR, '').replace(UNSAFE, visible);
}

/** Whether text holds nothing a terminal would act on (for tests and assertions). */
export function isTerminalSafe(text: string): boolean {
  UNSAFE.lastIndex = 0;
  const unsafe = UNSAFE.test(text);
  UNSAFE.lastIndex = 0;
  return !unsafe;
}

/** Every string inside a value (a report's data) made terminal-safe; other values kept. */
export function terminalSafeDeep<T>(value: T, prepare: (text: string) => string = (text) => text): T {
  const visit = (v: unknown): unknown => {
    if (typeof v === 'string') return terminalSafe(prepare(v));
    if (Array.isArray(v)) return v.map(visit);
    if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [k, inner] of Object.entries(v as Record<string, unknown>)) out[k] = visit(inner);
      return out;
    }
    return v;
  };
  return visit(value) as T;
}

/**
 * A writer for a byte stream (a command's output printed by `runbook exec`): decodes UTF-8 across chunk
 * boundaries, then makes each piece terminal-safe.
 */
export function terminalSafeWriter(write: (text: string) => void): { write(chunk: Buffer | string): void; end(): void } {
  const decoder = new TextDecoder('utf-8');
  // Whether the decoder may hold the start of a character: then every chunk must go through it.
  let decoderHolds = false;
  return {
    write(chunk) {
      let text: string;
      if (typeof chunk === 'string') text = chunk;
      // ASCII needs no decoding (the common case of a large output, and much cheaper).
      else if (!decoderHolds && isAscii(chunk)) text = chunk.toString('latin1');
      else {
        text = decoder.decode(chunk, { stream: true });
        decoderHolds = chunk.length > 0 && chunk[chunk.length - 1]! >= 0x80;
      }
      if (text) write(terminalSafe(text));
    },
    end() {
      const rest = decoder.decode();
      if (rest) write(terminalSafe(rest));
    },
  };
}
