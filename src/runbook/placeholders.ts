// Placeholders: the values an operator must supply before an action can run.
//   <ref> → ref, <pod name> → pod_name, tablename = '...' → tablename, a lone '...' → value.
// $VAR / ${VAR} are environment references, kept apart from placeholders.

import type { ActionKind } from './model.js';
import { feedLine, freshState } from './shellLines.js';

export interface PlaceholderSpan {
  name: string;
  start: number;
  end: number;
  /** A quoted ellipsis: the filled value is quoted the same way. */
  quote?: "'" | '"';
}

// `<ref>`, `<pod name>`, `<"Used By:" field from the above output>`.
const ANGLE = /<([A-Za-z"][A-Za-z0-9_.\- "':]{0,60}?)>/g;
const ELLIPSIS = /(['"])(?:\.\.\.|…)\1/g;
// What a quoted ellipsis is compared with or assigned to: `tablename = '...'`, `name like '...'`, `--user='...'`.
const COMPARED_WITH = /([A-Za-z_][A-Za-z0-9_]*)["`\]]?\s*(?:=|==|!=|<>|<=|>=|<|>|:|\blike\b|\bilike\b|\bin\s*\()\s*$/i;
const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;
// Variables a shell snippet sets itself (`for i in`, `X=…`, `read X`, `export X=`) are not environment references.
const SHELL_ASSIGNED = /(?:^|[\s;&|(])(?:for\s+([A-Za-z_]\w*)\s+in\b|(?:export\s+|local\s+|declare\s+(?:-\w+\s+)?)?([A-Za-z_]\w*)=|read\s+(?:-\w+\s+)*([A-Za-z_]\w*))/g;

function nameOf(raw: string): string {
  return raw.trim().replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
}

/** Every placeholder occurrence in order; the same name may occur several times. */
export function findPlaceholderSpans(code: string): PlaceholderSpan[] {
  const spans: PlaceholderSpan[] = [];
  for (const m of code.matchAll(ANGLE)) {
    // `<<EOF>` style heredoc markers and `<-` arrows are not placeholders.
    if (m.index > 0 && code[m.index - 1] === '<') continue;
    const name = nameOf(m[1]!);
    if (name) spans.push({ name, start: m.index, end: m.index + m[0].length });
  }
  let bare = 0;
  for (const m of code.matchAll(ELLIPSIS)) {
    const before = code.slice(Math.max(0, m.index - 80), m.index);
    const compared = COMPARED_WITH.exec(before);
    let name: string;
    if (compared) name = compared[1]!;
    else name = ++bare === 1 ? 'value' : `value_${bare}`;
    spans.push({ name, start: m.index, end: m.index + m[0].length, quote: m[1] as "'" | '"' });
  }
  return spans.sort((a, b) => a.start - b.start);
}

/** Unique placeholder names in order of first appearance. */
export function findPlaceholders(code: string): string[] {
  return [...new Set(findPlaceholderSpans(code).map((s) => s.name))];
}

/** `$VAR` references a shell snippet expects from its environment. */
export function findEnvReferences(code: string): string[] {
  const assigned = new Set<string>();
  for (const m of code.matchAll(SHELL_ASSIGNED)) {
    const name = m[1] ?? m[2] ?? m[3];
    if (name) assigned.add(name);
  }
  const refs: string[] = [];
  // Inside single quotes bash expands nothing: `--template='{{range $k, $v := …}}'` reads no variable;
  // nor in the body of a quoted heredoc (`<<'EOF'`).
  for (const m of blankSingleQuoted(blankQuotedHeredocs(code)).matchAll(ENV_REF)) {
    const name = (m[1] ?? m[2])!;
    if (!assigned.has(name) && !refs.includes(name)) refs.push(name);
  }
  return refs;
}

/** The code with the bodies of quoted heredocs blanked (same length), since bash expands nothing there. */
function blankQuotedHeredocs(code: string): string {
  if (!code.includes('<<')) return code;
  let state = freshState();
  return code
    .split('\n')
    .map((line) => {
      const body = state.heredocs[0];
      state = feedLine(state, line);
      return body?.quoted ? ' '.repeat(line.length) : line;
    })
    .join('\n');
}

type ShellQuote = '' | "'" | '"';

/** The shell quote open at each index of the code (before that character). */
function shellQuoteStates(code: string): ShellQuote[] {
  const states: ShellQuote[] = new Array(code.length);
  let open: ShellQuote = '';
  for (let i = 0; i < code.length; i++) {
    states[i] = open;
    const c = code[i];
    if (open === "'") {
      if (c === "'") open = '';
    } else if (c === '\\') {
      if (i + 1 < code.length) states[++i] = open;
    } else if (c === '"' && open === '"') {
      open = '';
    } else if (!open && (c === "'" || c === '"')) {
      open = c;
    }
  }
  return states;
}

/** The code with the contents of single-quoted shell strings blanked out (same length). */
function blankSingleQuoted(code: string): string {
  const states = shellQuoteStates(code);
  let out = '';
  for (let i = 0; i < code.length; i++) out += states[i] === "'" && code[i] !== "'" ? ' ' : code[i];
  return out;
}

const SHELL_SAFE = /^[A-Za-z0-9_./:@%+=,-]+$/;

function shellQuote(value: string): string {
  if (SHELL_SAFE.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function fillShell(code: string, span: PlaceholderSpan, value: string): string {
  const open = shellQuoteStates(code)[span.start];
  const inner = span.quote ? span.quote + value + span.quote : value;
  if (open === "'") return inner.replace(/'/g, `'\\''`);
  if (open === '"') return inner.replace(/["$`\\]/g, '\\$&');
  return span.quote ? `'${value.replace(/'/g, `'\\''`)}'` : shellQuote(value);
}

function fillValue(code: string, kind: ActionKind, span: PlaceholderSpan, value: string): string {
  if (kind === 'shell') return fillShell(code, span, value);
  if (span.quote === "'") return `'${value.replace(/'/g, "''")}'`;
  if (span.quote === '"') return `"${value.replace(/"/g, '""')}"`;
  return value;
}

export class MissingPlaceholdersError extends Error {
  constructor(readonly missing: string[]) {
    super(`missing value${missing.length > 1 ? 's' : ''} for ${missing.join(', ')}`);
  }
}

/**
 * The code with every placeholder replaced by its value. Values are quoted for the action's kind
 * (shell words, SQL string literals) so a value can never change the shape of the command.
 */
export function fillPlaceholders(code: string, kind: ActionKind, values: Record<string, string>): string {
  const spans = findPlaceholderSpans(code);
  const missing = [...new Set(spans.map((s) => s.name).filter((n) => values[n] === undefined))];
  if (missing.length) throw new MissingPlaceholdersError(missing);
  let out = '';
  let at = 0;
  for (const span of spans) {
    out += code.slice(at, span.start) + fillValue(code, kind, span, values[span.name]!);
    at = span.end;
  }
  return out + code.slice(at);
}
