// Terminal safety: text from outside (command output, SQL values, notes from the store, runbook text,
// names from a log or an archive) is neutralised before it reaches a terminal or a report, so it cannot
// set the window title, write the clipboard (OSC 52), move the cursor, clear the screen, ask the terminal
// to type a reply, reorder text with bidi controls, or hide characters the reader cannot see. Evidence
// files keep the exact bytes; only what is shown is changed.
//
// One rule (`UNSAFE`) says what is unsafe; two ways of showing it:
// - `terminalSafe`: output, cells, panes, reports. Newline and tab pass, CRLF becomes LF, SGR colour
//   (`ESC [ digits ; m`) is removed whole (no colour passes, so nothing can hide text or blink), and every
//   other unsafe character is shown as psql does: `\x1B`, `\x9B`, `\u202E`, `\u{E0041}`.
// - `visible`: one-line names from a log or an archive (signer, reasons, entry names), every unsafe
//   character, newline and tab included, shown as its code point: `‹U+202E›`.

import { isAscii } from 'node:buffer';

// C0 except \t and \n, DEL, C1 (U+0080–U+009F: U+009B is an 8-bit CSI);
// bidi marks, embeddings, overrides and isolates (U+061C, U+200E/F, U+202A–E, U+2066–9);
// line and paragraph separators (U+2028/9);
// characters that draw nothing and so hide or split text: soft hyphen, combining grapheme joiner,
// Hangul fillers, Khmer inherent vowels, Mongolian vowel separator, zero-width space and (non-)joiners,
// word joiner and invisible operators, deprecated format controls, BOM / zero-width no-break space,
// interlinear annotation, tag characters (U+E0000 block) and variation selectors 17–256 (both used to
// smuggle text no one sees);
// and lone surrogates, which a terminal cannot draw.
const UNSAFE_CLASS =
  '[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u00ad\\u034f\\u061c\\u115f\\u1160\\u17b4\\u17b5\\u180e\\u200b\\u200c\\u200e\\u200f' +
  '\\u2028-\\u202e\\u2060-\\u206f\\u3164\\ufeff\\uffa0\\ufff9-\\ufffb\\u{e0000}-\\u{e007f}\\u{e0100}-\\u{e01ef}]';
const LONE_SURROGATE = '[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]';
// A zero-width joiner is unsafe too, except between two pictographs, where it builds one emoji (👩‍💻).
const LONE_ZWJ = '(?<!\\p{Extended_Pictographic}[\\ufe0f\\u{1f3fb}-\\u{1f3ff}]?)\\u200d|\\u200d(?!\\p{Extended_Pictographic})';

/** Every character that is unsafe to show as it is (newline and tab are safe in multi-line text). */
const UNSAFE = new RegExp(`${UNSAFE_CLASS}|${LONE_SURROGATE}|${LONE_ZWJ}`, 'gu');
/** The same rule for one line: newline and tab are unsafe too. */
const UNSAFE_IN_LINE = new RegExp(`[\\t\\n]|${UNSAFE_CLASS}|${LONE_SURROGATE}|${LONE_ZWJ}`, 'gu');
const SGR = /\u001b\[[0-9;:]*m/g;
// A cheap first look that every unsafe text passes: the BMP part of the class above (a regular expression
// with a surrogate in its class is ten times slower in V8, so those are looked for apart), the high
// surrogate of tag characters and variation selectors 17–256, and lone surrogates.
const MAYBE_UNSAFE_BMP = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb]/;
const TAGS_HIGH_SURROGATE = '\udb40';

function maybeUnsafe(text: string): boolean {
  return MAYBE_UNSAFE_BMP.test(text) || text.includes(TAGS_HIGH_SURROGATE) || !(text as string & { isWellFormed(): boolean }).isWellFormed();
}

function hex(code: number, width: number): string {
  return code.toString(16).toUpperCase().padStart(width, '0');
}

/** psql's form: `\x1B` for a byte-sized code, `\u202E` for the rest, `\u{E0041}` beyond the BMP. */
function escaped(c: string): string {
  const code = c.codePointAt(0)!;
  if (code <= 0xff) return `\\x${hex(code, 2)}`;
  return code <= 0xffff ? `\\u${hex(code, 4)}` : `\\u{${hex(code, 5)}}`;
}

function codePoint(c: string): string {
  return `‹U+${hex(c.codePointAt(0)!, 4)}›`;
}

/** Text made safe to print: SGR colour removed, every other unsafe character shown as `\xHH`. */
export function terminalSafe(text: string): string {
  if (!maybeUnsafe(text)) return text;
  UNSAFE.lastIndex = 0;
  if (!UNSAFE.test(text)) return text;
  UNSAFE.lastIndex = 0;
  return text.replace(/\r\n/g, '\n').replace(SGR, '').replace(UNSAFE, escaped);
}

/** A name or a reason from a log shown on one line: every unsafe character, newline and tab included, as its code point. */
export function visible(text: string): string {
  if (!maybeUnsafe(text) && !/[\t\n]/.test(text)) return text;
  return text.replace(UNSAFE_IN_LINE, codePoint);
}

/** Text whose lines are kept (a report): every unsafe character but newline and tab as its code point. */
export function visibleKeepingLines(text: string): string {
  if (!maybeUnsafe(text)) return text;
  return text.replace(UNSAFE, codePoint);
}

/** Whether text holds nothing a terminal would act on or a reader could not see (for tests and assertions). */
export function isTerminalSafe(text: string): boolean {
  if (!maybeUnsafe(text)) return true;
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
