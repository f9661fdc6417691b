// Fitting the header and footer into the terminal's width: what to shorten first, what never to cut.
// Pure; widths are terminal columns (wide East Asian characters and emoji take two, combining marks none).

import type { Binding, Command } from '../state/keys.js';

const WIDE: Array<[number, number]> = [
  [0x1100, 0x115f], [0x2e80, 0x303e], [0x3041, 0x33ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xa000, 0xa4cf], [0xac00, 0xd7a3],
  [0xf900, 0xfaff], [0xfe30, 0xfe4f], [0xff00, 0xff60], [0xffe0, 0xffe6], [0x1f300, 0x1f64f], [0x1f900, 0x1f9ff], [0x20000, 0x3fffd],
];

/** Columns one character takes. */
export function charWidth(char: string): number {
  const code = char.codePointAt(0)!;
  if ((code >= 0x300 && code <= 0x36f) || (code >= 0x200b && code <= 0x200f) || code === 0xfe0f) return 0;
  return WIDE.some(([from, to]) => code >= from && code <= to) ? 2 : 1;
}

export const width = (text: string): number => [...text].reduce((n, c) => n + charWidth(c), 0);

/** The text cut to `room` columns, an ellipsis marking the cut. */
export function ellipsis(text: string, room: number): string {
  if (room <= 0) return '';
  if (width(text) <= room) return text;
  let out = '';
  let used = 0;
  for (const char of text) {
    if (used + charWidth(char) > room - 1) break;
    out += char;
    used += charWidth(char);
  }
  return `${out}…`;
}

export interface HeaderDetail {
  text: string;
  /** Higher stays longer when the line is short. */
  keep: number;
}

export interface HeaderParts {
  title: string;
  /** The environment, as shown: never cut. */
  badge: string;
  /** Session details in display order; the ones with the lowest `keep` go first when there is no room. */
  details: HeaderDetail[];
}

export const SEPARATOR = ' · ';

/**
 * The header in one line: the environment badge whole, then as many details as fit with a title of at
 * least a few characters, the title cut with an ellipsis to what is left.
 */
export function fitHeader(parts: HeaderParts, columns: number): { title: string; badge: string; details: HeaderDetail[] } {
  const minTitle = Math.min(width(parts.title), 8);
  let details = [...parts.details];
  const used = () => width(parts.badge) + details.reduce((n, d) => n + width(SEPARATOR) + width(d.text), 0) + width(SEPARATOR);
  while (details.length && used() + minTitle > columns) {
    const weakest = details.reduce((a, b) => (b.keep < a.keep ? b : a));
    details = details.filter((d) => d !== weakest);
  }
  const room = columns - used();
  if (room < 1) return { title: '', badge: parts.badge, details: [] };
  return { title: ellipsis(parts.title, room), badge: parts.badge, details };
}

export interface FooterEntry {
  keys: string;
  label: string;
  command: Command | 'move';
}

/** What the footer lists: the bindings, ↑↓ as one "move" entry. */
export function footerEntries(bindings: Binding[]): FooterEntry[] {
  return bindings
    .filter((b) => b.command !== 'down' && b.command !== 'pageDown')
    .map((b) => (b.command === 'up' ? { keys: '↑↓/jk', label: 'move', command: 'move' as const } : { keys: b.keys, label: b.label, command: b.command }));
}

/** Kept first when the footer does not fit: what an operator needs to move on or get out. */
const IMPORTANCE: Array<Command | 'move'> = ['run', 'open', 'done', 'report', 'back', 'quit', 'record', 'cancel', 'skip', 'fail', 'note', 'filter', 'move', 'env', 'pager', 'attach', 'copy', 'pageUp'];

const entryWidth = (e: FooterEntry) => width(e.keys) + 1 + width(e.label);
const GAP = 2;

/**
 * The footer in one line: every entry when they fit; otherwise the most important ones, in their
 * usual order, and `? help` last (help lists them all).
 */
export function fitFooter(entries: FooterEntry[], columns: number): FooterEntry[] {
  const total = entries.reduce((n, e, i) => n + (i ? GAP : 0) + entryWidth(e), 0);
  if (total <= columns) return entries;
  const help = entries.find((e) => e.command === 'help') ?? { keys: '?', label: 'help', command: 'help' as const };
  let left = columns - entryWidth(help);
  const chosen = new Set<FooterEntry>();
  const ranked = [...entries].filter((e) => e !== help).sort((a, b) => rank(a) - rank(b));
  for (const entry of ranked) {
    if (entryWidth(entry) + GAP > left) continue;
    chosen.add(entry);
    left -= entryWidth(entry) + GAP;
  }
  return [...entries.filter((e) => chosen.has(e)), help];
}

function rank(entry: FooterEntry): number {
  const i = IMPORTANCE.indexOf(entry.command);
  return i < 0 ? IMPORTANCE.length : i;
}

/** Lines a text takes when wrapped at `columns` (each line break starts a new line). */
export function wrappedHeight(text: string, columns: number): number {
  return text.split('\n').reduce((n, line) => n + Math.max(1, Math.ceil(width(line) / Math.max(1, columns))), 0);
}

/** The text padded with spaces to `columns` columns. */
export function pad(text: string, columns: number): string {
  return text + ' '.repeat(Math.max(0, columns - width(text)));
}

/** The text broken into lines of at most `columns` columns, at spaces where it can. */
export function wrapLines(text: string, columns: number): string[] {
  const room = Math.max(2, columns);
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let rest = [...paragraph];
    if (!rest.length) lines.push('');
    while (rest.length) {
      // How many characters fit in the room.
      let fit = 0;
      let used = 0;
      while (fit < rest.length && used + charWidth(rest[fit]!) <= room) used += charWidth(rest[fit++]!);
      if (fit >= rest.length) {
        lines.push(rest.join(''));
        break;
      }
      let cut = rest.lastIndexOf(' ', fit);
      if (cut <= 0) cut = Math.max(1, fit);
      lines.push(rest.slice(0, cut).join('').trimEnd());
      rest = rest.slice(cut);
      while (rest[0] === ' ') rest = rest.slice(1);
    }
  }
  return lines;
}
