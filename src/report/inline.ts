// Inline Markdown from values nobody controls: query results, notes, reasons, step titles. Whatever
// they hold, a table keeps its columns, a code span stays closed and no HTML gets through.

import { visibleKeepingLines } from '../format/terminal.js';

/** Text shown as text: every character that could start Markdown or HTML is escaped. */
export function escapeText(text: string): string {
  // An underscore inside a word (policy_1) starts no emphasis and is left as it is, for readable Markdown.
  return text.replace(/&/g, '&amp;').replace(/[\\`*[\]<>|~]|(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, '\\$&');
}

/**
 * Characters a reader cannot see but a terminal, an editor or a renderer acts on (control characters, a
 * lone CR that Markdown reads as a line break, bidi overrides that make `abc\u202Etxt.exe` read as
 * `abcexe.txt`, zero-width and tag characters, the Unicode line separators), each shown as its code point
 * (‹U+202E›), so the report reads as the log holds it. The rule is the terminal's (src/format/terminal.ts).
 */
export const showInvisible = visibleKeepingLines;

/** One line of text: runs of whitespace (newlines included) become one space. */
export function flatten(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Text from the log shown inline: one line, escaped. */
export function inlineText(text: string): string {
  return escapeText(flatten(text));
}

/** A code span that stays closed whatever backticks the code holds (CommonMark 6.1). */
export function codeSpan(code: string): string {
  const flat = code.replace(/[\r\n]+/g, ' ');
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || (flat.startsWith(' ') && flat.endsWith(' ') && flat.trim()) ? ' ' : '';
  return `${ticks}${pad}${flat || ' '}${pad}${ticks}`;
}

/**
 * A cell of a GFM table from any Markdown: one line, every pipe escaped. GFM takes a pipe after a
 * backslash as an escaped pipe and drops that backslash before reading the cell (in code spans too):
 * `\|` (text already escaped) becomes `\\|`, which reads back as `\|`, and a code span's `a\|b` stays `a\|b`.
 */
export function tableCell(markdown: string): string {
  return markdown.replace(/\r\n|[\r\n\u2028\u2029]/g, ' ').replace(/\|/g, '\\|').trim() || ' ';
}

interface Atom {
  text: string;
  /** A code span or a link: never cut inside. */
  whole: boolean;
}

/**
 * A link a title may keep: to a web page, a mail address, a place in the report or a relative path.
 * Never an image (it loads as the report opens: a tracking pixel) nor javascript:, data: and the like.
 */
function safeLink(link: string): boolean {
  if (link.startsWith('!')) return false;
  const href = /\]\(([^)\s]*)\)$/.exec(link)?.[1] ?? '';
  return /^(?:https?:\/\/|mailto:)[^\s<>&\\]*$/i.test(href) || /^(?!\/\/)[\w./#-]*$/.test(href);
}

/** Markdown split into words, code spans and links; whitespace stays with the word before it. */
function atoms(markdown: string): Atom[] {
  const out: Atom[] = [];
  const pattern = /(`+)(?!`)[\s\S]*?[^`]\1(?!`)|!?\[[^\]\n`]*\]\([^)\s]*\)|(?:\\[\s\S]|[^\s`[!\\])+/gy;
  let at = 0;
  while (at < markdown.length) {
    const ws = /\s+/y;
    ws.lastIndex = at;
    if (ws.test(markdown)) {
      if (out.length) out[out.length - 1]!.text += markdown.slice(at, ws.lastIndex);
      at = ws.lastIndex;
      continue;
    }
    pattern.lastIndex = at;
    const match = pattern.exec(markdown);
    if (!match || match.index !== at) {
      // A run of backticks that opens no code span is text: escaped, so a cut can never pair it with another.
      const run = /`+/y;
      run.lastIndex = at;
      const ticks = run.test(markdown) ? run.lastIndex - at : 0;
      out.push({ text: ticks ? '\\`'.repeat(ticks) : markdown[at]!, whole: false });
      at += ticks || 1;
      continue;
    }
    if (/^!?\[/.test(match[0]) && !safeLink(match[0])) {
      // A link that runs script or loads something as the report is opened is shown as the text it is.
      out.push({ text: escapeText(match[0]), whole: true });
      at = pattern.lastIndex;
      continue;
    }
    // Outside code, a < would start raw HTML and swallow a placeholder such as <pod name>; a link's
    // text is Markdown too (its address, checked above, holds no <).
    const whole = match[0].startsWith('`') || /^!?\[/.test(match[0]);
    out.push({ text: match[0].startsWith('`') ? match[0] : match[0].replace(/(\\[\s\S])|</g, (m, escaped: string | undefined) => escaped ?? '\\<'), whole });
    at = pattern.lastIndex;
  }
  return out;
}

/**
 * Markdown shortened to about `max` characters at a word boundary, never inside a code span or a link
 * (those are kept whole or left out), ending with `…` when anything was cut.
 */
export function shortenMarkdown(markdown: string, max: number): string {
  const parts = atoms(flatten(markdown));
  const whole = parts.map((a) => a.text).join('');
  if (whole.length <= max) return whole;
  let out = '';
  // Where the last whole word ended: a cut falls there, not between a bracket and its code span.
  let boundary = 0;
  for (const atom of parts) {
    const next = out + atom.text;
    if (next.trimEnd().length > max - 1) {
      if (boundary) out = out.slice(0, boundary);
      // A single code span or link longer than the limit: shown whole rather than cut open.
      else if (!out) out = atom.text;
      break;
    }
    out = next;
    if (/\s$/.test(out)) boundary = out.length;
  }
  return `${out.trimEnd()}…`;
}

/** Plain text shortened at a word boundary (the result is plain text, still to be escaped). */
export function shortenText(text: string, max: number): string {
  const flat = flatten(text);
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
