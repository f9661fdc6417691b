// Markdown → Runbook model. markdown-it was chosen by measurement: ~70 ms for 20,000
// lines, linear, with line maps on every block; inline positions are derived from the breaks inside
// a paragraph, which is exact for the single-line code spans runbooks use.

import markdownIt, { type MarkdownIt, type Token } from 'markdown-it';
import { fenceActions, parseFenceInfo } from './classify.js';
import { splitFrontMatter } from './frontMatter.js';
import { classifyInline, forbidsTheBlock, inlineCode } from './inline.js';
import { typedInside } from './interactive.js';
import type { Action, ActionKind, Runbook, Section, Step } from './model.js';
import { findEnvReferences, findPlaceholders } from './placeholders.js';
import { slugger } from './slug.js';

export interface ParseOptions {
  /** Used for the title when the file has no H1 and no front matter title. */
  fileName?: string;
}

let markdown: MarkdownIt | undefined;
function markdownParser(): MarkdownIt {
  // `html: true` so comments become html tokens (never actions) instead of text; no typographer or
  // linkify, so code and URLs reach us exactly as written. maxNesting counts a list and its item as
  // two levels: 2,100 keeps 1,000 nested lists whole (the default, 100, silently drops what is deeper).
  if (!markdown) {
    markdown = markdownIt('default', { html: true, linkify: false, typographer: false, maxNesting: 2100 } as MarkdownIt['options']);
    // Only code spans matter inside a paragraph, so the inline pass runs on demand (inlineChildren),
    // and only with the rules that find code spans, breaks and inline HTML. Half the parse time.
    markdown.core.ruler.disable(['inline', 'linkify', 'replacements', 'smartquotes', 'text_join']);
    markdown.inline.ruler.disable(['linkify', 'strikethrough', 'emphasis', 'link', 'image', 'autolink', 'entity']);
    markdown.inline.ruler2.disable(['strikethrough', 'emphasis']);
  }
  return markdown;
}

/** The inline tokens of a paragraph, heading or cell; none when it has no backtick, hence no code span. */
function inlineChildren(inline: Token): Token[] {
  if (!inline.content.includes('`')) return [];
  const md = markdownParser();
  const children: Token[] = [];
  md.inline.parse(inline.content, md, {}, children);
  return children;
}

export function makeAction(kind: ActionKind, code: string, line: number, attrs?: Record<string, string>): Action {
  const action: Action = { kind, code, line, placeholders: kind === 'url' ? [] : findPlaceholders(code) };
  if (kind === 'shell' || kind === 'supabase') {
    const env = findEnvReferences(code);
    if (env.length) action.env = env;
  }
  if (kind === 'shell') {
    const opener = typedInside(code);
    if (opener) action.typedInside = opener;
  }
  if (attrs && Object.keys(attrs).length) action.attrs = attrs;
  return action;
}

/** Actions in the inline code spans of one paragraph, heading or table cell. */
function inlineActions(inline: Token, firstLine: number): Action[] {
  const actions: Action[] = [];
  const source = inline.content;
  let at = 0;
  let line = firstLine;
  for (const child of inlineChildren(inline)) {
    if (child.type !== 'code_inline') continue;
    // The span's place in the source: a span wrapped over lines starts on its first line and the next
    // span's line counts the wrapped ones.
    const start = findCodeSpan(source, child.markup, child.content, at);
    if (start >= 0) {
      line += countNewlines(source.slice(at, start));
      const end = source.indexOf(child.markup, start + child.markup.length);
      const close = end < 0 ? start + child.markup.length : end + child.markup.length;
      const kind = classifyInline(child.content, () => sentenceBefore(source, start));
      if (kind) actions.push(makeAction(kind, inlineCode(child.content), line));
      line += countNewlines(source.slice(start, close));
      at = close;
    } else {
      const kind = classifyInline(child.content);
      if (kind) actions.push(makeAction(kind, inlineCode(child.content), line));
    }
  }
  return actions;
}

/** The words of the sentence before a code span (at most 200 characters back), other spans blanked. */
function sentenceBefore(source: string, at: number): string {
  const window = source.slice(Math.max(0, at - 200), at).replace(/`[^`]*`/g, ' ');
  const end = Math.max(window.lastIndexOf('\n\n'), ...[...window.matchAll(/[.!?](?=\s)/g)].map((m) => m.index!));
  return end >= 0 ? window.slice(end + 1) : window;
}

/** Where the code span with this markup and content starts at or after `from`, or -1. */
function findCodeSpan(source: string, markup: string, content: string, from: number): number {
  for (let i = source.indexOf(markup, from); i >= 0; i = source.indexOf(markup, i + markup.length)) {
    if (source[i - 1] === '`' || source[i + markup.length] === '`') continue;
    const end = source.indexOf(markup, i + markup.length);
    if (end < 0) return -1;
    const inner = source.slice(i + markup.length, end);
    const spaced = inner.includes('\n') ? inner.replace(/\n/g, ' ') : inner;
    if (spaced === content || spaced.slice(1, -1) === content) return i;
  }
  return -1;
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function lineOf(token: Token, fallback: number): number {
  return token.map ? token.map[0] + 1 : fallback;
}

const TASK_MARKER = /^\[([ xX])\][ \t]+/;

interface OpenStep {
  step: Step;
  textParts: string[];
  /** The open lettered sub-step (`a.`, `b.` written as lines of the item's text), if any. */
  lettered?: { step: Step; letter: string; textParts: string[] };
}

// `a. Check the disk` / `b) Restart`: a lettered line inside a list item starts a sub-step.
const LETTERED = /^\s*([a-z])[.)][ \t]+(\S.*)$/;
// A list before the first heading made only of links (`- [Diagnosis](#diagnosis)`) is a table of contents.
const LINKS_ONLY = /^(\s*\[[^\]]*\]\([^)\s]*\)[\s,;|·-]*)+$/;

class RunbookBuilder {
  title: string | undefined;
  readonly sections: Section[] = [];
  private readonly sectionStack: Section[] = [];
  /** Steps before the first section; kept in a section of their own only if there are any. */
  private readonly preamble: Step[] = [];
  private readonly openSteps: OpenStep[] = [];
  private lastParagraph: { text: string; endLine: number; used: boolean } | undefined;
  private readonly slug = slugger();

  heading(level: number, text: string, line: number): void {
    if (level === 1 && this.title === undefined) {
      this.title = text;
      return;
    }
    const section: Section = { id: this.slug(text), title: text, level, line, steps: [], sections: [] };
    while (this.sectionStack.length && this.sectionStack[this.sectionStack.length - 1]!.level >= level) this.sectionStack.pop();
    const parent = this.sectionStack[this.sectionStack.length - 1];
    (parent ? parent.sections : this.sections).push(section);
    this.sectionStack.push(section);
    this.lastParagraph = undefined;
  }

  get inStep(): boolean {
    return this.openSteps.length > 0;
  }

  private addStep(step: Step): void {
    const parent = this.openSteps[this.openSteps.length - 1];
    if (parent) (parent.lettered ? parent.lettered.step : parent.step).steps.push(step);
    else {
      const section = this.sectionStack[this.sectionStack.length - 1];
      (section ? section.steps : this.preamble).push(step);
    }
  }

  openListItem(line: number): void {
    const step: Step = { id: '', text: '', line, actions: [], steps: [] };
    this.addStep(step);
    this.openSteps.push({ step, textParts: [] });
    this.lastParagraph = undefined;
  }

  closeListItem(): void {
    const open = this.openSteps.pop();
    if (open) open.step.text = open.textParts.join('\n');
  }

  /** A paragraph (or a heading inside a list item): step text, or a step of its own if it has actions. */
  paragraph(inline: Token, line: number, endLine: number): void {
    const actions = inlineActions(inline, line);
    const top = this.openSteps[this.openSteps.length - 1];
    if (top) {
      let text = inline.content;
      if (top.textParts.length === 0 && top.step.steps.length === 0 && top.step.actions.length === 0) {
        const task = TASK_MARKER.exec(text);
        if (task) {
          top.step.checked = task[1] !== ' ';
          text = text.slice(task[0].length);
        }
      }
      if (!top.lettered && !/(^|\n)\s*a[.)][ \t]/.test(text)) {
        top.textParts.push(text);
        top.step.actions.push(...actions);
        return;
      }
      this.letteredParagraph(top, text, line, actions);
      return;
    }
    if (actions.length) {
      this.addStep({ id: '', text: inline.content, line, actions, steps: [] });
      this.lastParagraph = undefined;
    } else {
      this.lastParagraph = { text: inline.content, endLine, used: false };
    }
  }

  /** Lines of a step's text, some of them lettered sub-steps; each action goes where its line is. */
  private letteredParagraph(top: OpenStep, text: string, line: number, actions: Action[]): void {
    const targetOfLine: Step[] = [];
    const parentParts: string[] = [];
    text.split('\n').forEach((lineText, i) => {
      const m = LETTERED.exec(lineText);
      const expected = top.lettered ? String.fromCharCode(top.lettered.letter.charCodeAt(0) + 1) : 'a';
      if (m && m[1] === expected) {
        const step: Step = { id: '', text: m[2]!, line: line + i, actions: [], steps: [] };
        top.step.steps.push(step);
        top.lettered = { step, letter: m[1], textParts: [m[2]!] };
      } else if (top.lettered) {
        top.lettered.textParts.push(lineText);
        top.lettered.step.text = top.lettered.textParts.join('\n');
      } else {
        parentParts.push(lineText);
      }
      targetOfLine[i] = top.lettered ? top.lettered.step : top.step;
    });
    if (parentParts.length) top.textParts.push(parentParts.join('\n'));
    for (const action of actions) (targetOfLine[action.line - line] ?? top.step).actions.push(action);
  }

  /** A fenced or indented code block: an action of the open step, or a step of its own. */
  codeBlock(token: Token, line: number): void {
    const info = token.type === 'fence' ? token.info : '';
    const attrs = parseFenceInfo(info).attrs;
    let actions = fenceActions(info, token.content).map((fence) => makeAction(fence.kind, fence.code, line, attrs));
    const top = this.openSteps[this.openSteps.length - 1];
    const reference = () => ({ ...(info.trim() ? { lang: info.trim().split(/\s+/)[0]! } : {}), code: token.content.replace(/\n$/, ''), line });
    const nearParagraph = this.lastParagraph && !this.lastParagraph.used && line - this.lastParagraph.endLine <= 2 ? this.lastParagraph : undefined;
    const lead = top ? (top.lettered ? top.lettered.textParts : top.textParts).at(-1) : nearParagraph?.text;
    // `Do not run the following:` — what not to do is shown, never offered as an action.
    const forbidden = actions.length > 0 && lead !== undefined && forbidsTheBlock(lead);
    if (forbidden) actions = [];
    if (top) {
      const target = top.lettered ? top.lettered.step : top.step;
      if (actions.length) target.actions.push(...actions);
      else if (token.content.trim()) (target.reference ??= []).push(reference());
      return;
    }
    // An indented code block outside a list is an example unless it reads as a command.
    if (token.type === 'code_block' && !actions.length) return;
    const intro = this.lastParagraph && !this.lastParagraph.used && line - this.lastParagraph.endLine <= 2 ? this.lastParagraph : undefined;
    if (intro) intro.used = true;
    const firstCodeLine = token.content.split('\n').find((l) => l.trim()) ?? '';
    this.addStep({ id: '', text: intro ? intro.text : firstCodeLine.trim(), line, actions, steps: [], ...(forbidden ? { reference: [reference()] } : {}) });
  }

  /** A table row: its actions belong to the open step, or the row becomes a step. */
  tableRow(cells: Token[], line: number): void {
    const actions = cells.flatMap((cell) => inlineActions(cell, line));
    if (!actions.length) return;
    const top = this.openSteps[this.openSteps.length - 1];
    if (top) top.step.actions.push(...actions);
    else this.addStep({ id: '', text: cells.map((c) => c.content).join(' | '), line, actions, steps: [] });
  }

  finish(options: ParseOptions, meta: Record<string, unknown> | undefined): Runbook {
    while (this.openSteps.length) this.closeListItem();
    const metaTitle = typeof meta?.title === 'string' && meta.title.trim() ? meta.title.trim() : undefined;
    const title = this.title ?? metaTitle ?? titleFromFileName(options.fileName);
    // A table of contents before the first heading is navigation, not steps.
    const preamble = this.preamble.filter((step) => !isLinksOnly(step));
    this.preamble.length = 0;
    this.preamble.push(...preamble);
    if (this.preamble.length) {
      this.sections.unshift({ id: this.slug(title), title, level: 1, line: this.preamble[0]!.line, steps: this.preamble, sections: [] });
    }
    assignStepIds(this.sections);
    const runbook: Runbook = { title, sections: this.sections };
    if (meta) runbook.meta = meta;
    return runbook;
  }
}

function isLinksOnly(step: Step): boolean {
  return !step.actions.length && LINKS_ONLY.test(step.text) && step.steps.every(isLinksOnly);
}

function titleFromFileName(fileName: string | undefined): string {
  if (!fileName) return 'Untitled runbook';
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  return base.replace(/\.(md|markdown|mdown|mkd)$/i, '') || 'Untitled runbook';
}

function assignStepIds(sections: Section[]): void {
  const number = (steps: Step[], prefix: string) => {
    steps.forEach((step, i) => {
      step.id = `${prefix}${i + 1}`;
      number(step.steps, `${step.id}.`);
    });
  };
  for (const section of sections) {
    number(section.steps, `${section.id}/`);
    assignStepIds(section.sections);
  }
}

/** Thousands of levels of nesting overflow the Markdown parser's recursion. */
export class RunbookTooDeepError extends Error {
  constructor() {
    super('nests lists or quotes too deeply (thousands of levels) to read as a runbook');
  }
}

function tokenize(body: string): Token[] {
  try {
    return markdownParser().parse(body, {});
  } catch (error) {
    if (error instanceof RangeError) throw new RunbookTooDeepError();
    throw error;
  }
}

/**
 * Parse Markdown text into the Runbook model. Any text gives a model, except nesting thousands of
 * levels deep, which throws RunbookTooDeepError (1,000 levels parse fine).
 */
export function parseRunbook(source: string, options: ParseOptions = {}): Runbook {
  const normalized = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').replace(/\u0000/g, '\uFFFD');
  const { meta, body, warning } = splitFrontMatter(normalized);
  const tokens = tokenize(body);
  const builder = new RunbookBuilder();
  let line = 1;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    line = lineOf(token, line);
    switch (token.type) {
      case 'heading_open': {
        const inline = tokens[i + 1]!;
        if (builder.inStep) builder.paragraph(inline, line, token.map ? token.map[1] : line);
        else builder.heading(Number(token.tag.slice(1)), inline.content.trim(), line);
        i += 2;
        break;
      }
      case 'list_item_open':
        builder.openListItem(line);
        break;
      case 'list_item_close':
        builder.closeListItem();
        break;
      case 'inline':
        // Paragraph content (headings and table cells are consumed by their own cases).
        builder.paragraph(token, line, token.map ? token.map[1] : line);
        break;
      case 'fence':
      case 'code_block':
        builder.codeBlock(token, line);
        break;
      case 'tr_open': {
        const cells: Token[] = [];
        let j = i + 1;
        for (; j < tokens.length && tokens[j]!.type !== 'tr_close'; j++) {
          if (tokens[j]!.type === 'inline') cells.push(tokens[j]!);
        }
        builder.tableRow(cells, line);
        i = j;
        break;
      }
      default:
        // html_block (comments included) never holds actions; lists, blockquotes and tables are containers.
        break;
    }
  }
  const runbook = builder.finish(options, meta);
  if (warning) runbook.warnings = [warning];
  return runbook;
}
