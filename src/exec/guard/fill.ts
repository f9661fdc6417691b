// Filling placeholders so that a value is data and never code.
//   SQL: a literal placeholder becomes a quoted literal (pg's escapeLiteral rules), an identifier
//        placeholder a quoted identifier (schema.table split); inside strings, identifiers and
//        comments the value is escaped for that context.
//   Shell: the value goes into the environment as RUNBOOK_VALUE_<name>; the placeholder becomes a
//        reference the shell expands once, quoted for the context it stands in.

import { findPlaceholderSpans, type PlaceholderSpan } from '../../runbook/placeholders.js';

export class PlaceholderValueError extends Error {}

export interface FilledShell {
  code: string;
  /** Variables the placeholders refer to. */
  vars: Record<string, string>;
}

export const VALUE_PREFIX = 'RUNBOOK_VALUE_';

export function escapeLiteral(value: string): string {
  let out = "'";
  let backslash = false;
  for (const c of value) {
    if (c === "'") out += "''";
    else if (c === '\\') {
      out += '\\\\';
      backslash = true;
    } else out += c;
  }
  out += "'";
  return backslash ? ` E${out}` : out;
}

export function escapeIdentifier(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}

function qualifiedIdentifier(name: string, value: string): string {
  const parts = value.split('.');
  if (parts.some((p) => !p)) throw new PlaceholderValueError(`The value for ${name} names a table or column, and a name cannot be empty.`);
  return parts.map(escapeIdentifier).join('.');
}

function checkValue(name: string, value: string): void {
  if (value.includes('\0')) throw new PlaceholderValueError(`The value for ${name} contains a NUL byte, which no command can carry.`);
}

// ---- SQL ----------------------------------------------------------------------------------------

type SqlContext = 'code' | 'string' | 'estring' | 'ident' | 'dollar' | 'line-comment' | 'block-comment';

/** The lexical context at each offset of SQL text (before the character at that offset). */
function sqlContexts(sql: string): { at: SqlContext[]; tags: string[] } {
  const at: SqlContext[] = new Array(sql.length + 1);
  const tags: string[] = new Array(sql.length + 1);
  let state: SqlContext = 'code';
  let tag = '';
  let depth = 0;
  for (let i = 0; i < sql.length; i++) {
    at[i] = state;
    tags[i] = tag;
    const c = sql[i]!;
    const next = sql[i + 1];
    switch (state) {
      case 'code':
        if (c === "'") state = i > 0 && /[eE]/.test(sql[i - 1]!) && !/\w/.test(sql[i - 2] ?? '') ? 'estring' : 'string';
        else if (c === '"') state = 'ident';
        else if (c === '-' && next === '-') state = 'line-comment';
        else if (c === '/' && next === '*') {
          state = 'block-comment';
          depth = 1;
          at[++i] = 'block-comment';
        } else if (c === '$') {
          const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
          if (m && !/\w/.test(sql[i - 1] ?? '')) {
            tag = m[0];
            state = 'dollar';
            for (let k = 1; k < tag.length; k++) at[++i] = 'dollar';
          }
        }
        break;
      case 'string':
      case 'estring':
        if (state === 'estring' && c === '\\') at[++i] = state;
        else if (c === "'" && next === "'") at[++i] = state;
        else if (c === "'") state = 'code';
        break;
      case 'ident':
        if (c === '"' && next === '"') at[++i] = 'ident';
        else if (c === '"') state = 'code';
        break;
      case 'dollar':
        if (sql.startsWith(tag, i)) {
          for (let k = 1; k < tag.length; k++) at[++i] = 'dollar';
          state = 'code';
        }
        break;
      case 'line-comment':
        if (c === '\n') state = 'code';
        break;
      case 'block-comment':
        if (c === '/' && next === '*') depth++;
        else if (c === '*' && next === '/') {
          at[++i] = 'block-comment';
          if (--depth === 0) state = 'code';
        }
        break;
    }
  }
  at[sql.length] = state;
  tags[sql.length] = tag;
  return { at, tags };
}

// After these words an unquoted placeholder names a table, column or schema.
const IDENTIFIER_AFTER = /(?:\b(?:from|join|table|into|update|only|index|sequence|view|schema|truncate|analyze|vacuum|select|by|references|exists|to|on|owner)\s+|\.)$/i;

function fillSqlSpan(sql: string, span: PlaceholderSpan, value: string, context: SqlContext, tag: string): string {
  switch (context) {
    case 'code':
      if (span.quote === "'") return escapeLiteral(value);
      if (span.quote === '"') return escapeIdentifier(value);
      return IDENTIFIER_AFTER.test(sql.slice(Math.max(0, span.start - 40), span.start)) && !/^\s*\(/.test(sql.slice(span.end)) ? qualifiedIdentifier(span.name, value) : escapeLiteral(value).trim();
    case 'string':
      return value.replace(/'/g, "''");
    case 'estring':
      return value.replace(/\\/g, '\\\\').replace(/'/g, "''");
    case 'ident':
      if (!value && sql[span.start - 1] === '"' && sql[span.end] === '"') throw new PlaceholderValueError(`The value for ${span.name} names a table or column, and a name cannot be empty.`);
      return value.replace(/"/g, '""');
    case 'line-comment':
      return value.replace(/[\r\n]+/g, ' ');
    case 'block-comment':
      return value.replace(/\*\//g, '* /').replace(/\/\*/g, '/ *');
    case 'dollar':
      if (value.includes(tag) || /[^\p{L}\p{N} _.,:@/+-]/u.test(value)) {
        throw new PlaceholderValueError(`The value for ${span.name} stands inside a ${tag}-quoted body, where it may hold only letters, digits, spaces and . , : @ / + -.`);
      }
      return value;
  }
}

export function fillSql(sql: string, values: Record<string, string>): string {
  const spans = findPlaceholderSpans(sql);
  if (!spans.length) return sql;
  const { at, tags } = sqlContexts(sql);
  let out = '';
  let from = 0;
  for (const span of spans) {
    const value = values[span.name]!;
    checkValue(span.name, value);
    out += sql.slice(from, span.start) + fillSqlSpan(sql, span, value, at[span.start]!, tags[span.start]!);
    from = span.end;
  }
  return out + sql.slice(from);
}

// ---- Shell --------------------------------------------------------------------------------------

type ShellContext = 'plain' | 'double' | 'single' | 'ansi' | 'heredoc' | 'quoted-heredoc' | 'comment' | 'arith';

interface Frame {
  kind: 'plain' | 'double' | 'backtick' | 'arith';
  depth: number;
}

interface ShellScan {
  at: ShellContext[];
  /** Quoted heredocs: where the delimiter word is, its bare form, and where the body is. */
  quotedHeredocs: Array<{ wordStart: number; wordEnd: number; bare: string; bodyStart: number; bodyEnd: number }>;
}

/** The shell context at each offset: enough of bash's lexer to know how a placeholder there would be read. */
export function shellContexts(code: string): ShellScan {
  const at: ShellContext[] = new Array(code.length + 1).fill('plain');
  const quotedHeredocs: ShellScan['quotedHeredocs'] = [];
  const arithmetic: Array<[number, number]> = [];
  const stack: Frame[] = [{ kind: 'plain', depth: 0 }];
  const pending: Array<{ delim: string; quoted: boolean; strip: boolean; wordStart: number; wordEnd: number }> = [];
  let i = 0;
  const top = () => stack[stack.length - 1]!;
  const mark = (from: number, to: number, context: ShellContext) => {
    for (let k = from; k < to; k++) at[k] = context;
  };
  while (i < code.length) {
    const c = code[i]!;
    const frame = top();
    if (frame.kind === 'double') {
      at[i] = 'double';
      if (c === '\\') {
        at[i + 1] = 'double';
        i += 2;
      } else if (c === '"') {
        stack.pop();
        i++;
      } else if (code.startsWith('$((', i)) {
        stack.push({ kind: 'arith', depth: 0 });
        i += 3;
      } else if (code.startsWith('$(', i)) {
        stack.push({ kind: 'plain', depth: 0 });
        i += 2;
      } else if (c === '`') {
        stack.push({ kind: 'backtick', depth: 0 });
        i++;
      } else i++;
      continue;
    }
    const context: ShellContext = frame.kind === 'arith' ? 'arith' : 'plain';
    at[i] = context;
    if (c === '\\') {
      at[i + 1] = context;
      i += 2;
    } else if (c === "'") {
      const end = code.indexOf("'", i + 1);
      const stop = end < 0 ? code.length : end;
      mark(i + 1, stop, 'single');
      i = stop + 1;
    } else if (code.startsWith("$'", i)) {
      let k = i + 2;
      while (k < code.length && code[k] !== "'") k += code[k] === '\\' ? 2 : 1;
      mark(i + 2, Math.min(k, code.length), 'ansi');
      i = k + 1;
    } else if (c === '"') {
      stack.push({ kind: 'double', depth: 0 });
      i++;
    } else if (code.startsWith('$((', i)) {
      stack.push({ kind: 'arith', depth: 0 });
      i += 3;
    } else if (code.startsWith('$(', i) || ((c === '<' || c === '>') && code[i + 1] === '(')) {
      stack.push({ kind: 'plain', depth: 0 });
      i += 2;
    } else if (c === '`' && frame.kind === 'backtick') {
      stack.pop();
      i++;
    } else if (c === '`') {
      stack.push({ kind: 'backtick', depth: 0 });
      i++;
    } else if (code.startsWith('((', i) && frame.kind !== 'arith' && /(^|[\s;&|(])$/.test(code.slice(Math.max(0, i - 1), i))) {
      // An arithmetic command: its words are evaluated as arithmetic, like $(( )).
      stack.push({ kind: 'arith', depth: 0 });
      i += 2;
    } else if (c === '(') {
      frame.depth++;
      i++;
    } else if (c === ')') {
      if (frame.kind === 'arith' && code[i + 1] === ')' && frame.depth === 0) {
        stack.pop();
        i += 2;
      } else if (frame.depth === 0 && stack.length > 1) {
        stack.pop();
        i++;
      } else {
        frame.depth = Math.max(0, frame.depth - 1);
        i++;
      }
    } else if (frame.kind !== 'arith' && /^(\[\[|let)\s/.test(code.slice(i, i + 4)) && /(^|[\s;&|(!])$/.test(code.slice(Math.max(0, i - 1), i))) {
      // `let …` and `[[ … -eq … ]]` evaluate operands as arithmetic (and arithmetic runs $( ) in a[…]).
      const let_ = code.startsWith('let', i);
      const end = let_ ? code.slice(i).search(/[;\n&|]/) : code.indexOf(']]', i);
      const stop = end < 0 ? code.length : let_ ? i + end : end + 2;
      if (let_ || /\s-(eq|ne|lt|le|gt|ge)\s/.test(code.slice(i, stop))) arithmetic.push([i, stop]);
      i += let_ ? 3 : 2;
    } else if (c === '#' && (i === 0 || /[\s;&|()]/.test(code[i - 1]!)) && frame.kind !== 'arith') {
      const end = code.indexOf('\n', i);
      const stop = end < 0 ? code.length : end;
      mark(i, stop, 'comment');
      i = stop;
    } else if (code.startsWith('<<', i) && !code.startsWith('<<<', i) && frame.kind !== 'arith') {
      let k = i + 2;
      const strip = code[k] === '-';
      if (strip) k++;
      while (code[k] === ' ' || code[k] === '\t') k++;
      const wordStart = k;
      while (k < code.length && !/[\s;&|()<>]/.test(code[k]!)) {
        if (code[k] === "'" || code[k] === '"') {
          const q = code[k]!;
          const end = code.indexOf(q, k + 1);
          k = end < 0 ? code.length : end + 1;
        } else k += code[k] === '\\' ? 2 : 1;
      }
      const word = code.slice(wordStart, k);
      const delim = word.replace(/\\(.)/g, '$1').replace(/['"]/g, '');
      if (delim) pending.push({ delim, quoted: /['"\\]/.test(word), strip, wordStart, wordEnd: k });
      i = k;
    } else if (c === '\n' && pending.length) {
      i++;
      for (const doc of pending.splice(0)) {
        const bodyStart = i;
        for (;;) {
          const end = code.indexOf('\n', i);
          const lineEnd = end < 0 ? code.length : end;
          const line = code.slice(i, lineEnd);
          if ((doc.strip ? line.replace(/^\t+/, '') : line) === doc.delim) {
            mark(bodyStart, i, doc.quoted ? 'quoted-heredoc' : 'heredoc');
            if (doc.quoted) quotedHeredocs.push({ wordStart: doc.wordStart, wordEnd: doc.wordEnd, bare: doc.delim, bodyStart, bodyEnd: i });
            i = lineEnd;
            break;
          }
          if (end < 0) {
            mark(bodyStart, code.length, doc.quoted ? 'quoted-heredoc' : 'heredoc');
            if (doc.quoted) quotedHeredocs.push({ wordStart: doc.wordStart, wordEnd: doc.wordEnd, bare: doc.delim, bodyStart, bodyEnd: code.length });
            i = code.length;
            break;
          }
          i = end + 1;
        }
      }
    } else i++;
  }
  for (const [from, to] of arithmetic) for (let k = from; k < to; k++) if (at[k] === 'plain' || at[k] === 'double') at[k] = 'arith';
  return { at, quotedHeredocs };
}

function shellReference(span: PlaceholderSpan, context: ShellContext, value: string): string {
  const ref = `\${${VALUE_PREFIX}${span.name}}`;
  switch (context) {
    case 'plain':
      return `"${ref}"`;
    case 'double':
    case 'heredoc':
    case 'quoted-heredoc':
      return span.quote ? `${span.quote}${ref}${span.quote}` : ref;
    case 'single':
      return `'"${ref}"'`;
    case 'ansi':
      return `'"${ref}"$'`;
    case 'comment':
      return ref;
    case 'arith':
      if (!/^-?\d+$/.test(value)) throw new PlaceholderValueError(`The value for ${span.name} is used in shell arithmetic, where only a whole number is safe.`);
      return ref;
  }
}

export function fillShell(code: string, values: Record<string, string>): FilledShell {
  const spans = findPlaceholderSpans(code);
  if (!spans.length) return { code, vars: {} };
  const { at, quotedHeredocs } = shellContexts(code);
  const vars: Record<string, string> = {};
  const edits: Array<{ start: number; end: number; text: string }> = [];
  const psql = /\bpsql\b/.test(code);
  for (const span of spans) {
    const value = values[span.name]!;
    checkValue(span.name, value);
    // An indexed array's subscript is arithmetic too: a[<x>], ${a[<x>]}.
    const subscript = code[span.start - 1] === '[' && /[A-Za-z0-9_]/.test(code[span.start - 2] ?? '') && code[span.end] === ']';
    const context = subscript ? 'arith' : at[span.start]!;
    // SQL for psql: a value between single quotes inside "…" or a heredoc is an SQL string literal,
    // so it travels with its quotes doubled and stays one literal after the shell expands it.
    const sqlLiteral = psql && (context === 'double' || context === 'heredoc' || context === 'quoted-heredoc') &&
      (span.quote === "'" || (code[span.start - 1] === "'" && code[span.end] === "'"));
    const name = `${VALUE_PREFIX}${span.name}`;
    const carried = sqlLiteral ? value.replace(/'/g, "''") : value;
    if (vars[name] !== undefined && vars[name] !== carried) throw new PlaceholderValueError(`The value for ${span.name} is used both as SQL text and as a shell word; give them different names.`);
    vars[name] = carried;
    edits.push({ start: span.start, end: span.end, text: shellReference(span, context, value) });
  }
  // A quoted heredoc expands nothing; one that holds a value becomes unquoted, with its own text escaped.
  for (const doc of quotedHeredocs) {
    if (!edits.some((e) => e.start >= doc.bodyStart && e.start < doc.bodyEnd)) continue;
    edits.push({ start: doc.wordStart, end: doc.wordEnd, text: doc.bare });
    for (let k = doc.bodyStart; k < doc.bodyEnd; k++) {
      if (/[\\$`]/.test(code[k]!) && !edits.some((e) => k >= e.start && k < e.end)) edits.push({ start: k, end: k + 1, text: `\\${code[k]}` });
    }
  }
  edits.sort((a, b) => a.start - b.start);
  let out = '';
  let from = 0;
  for (const edit of edits) {
    out += code.slice(from, edit.start) + edit.text;
    from = edit.end;
  }
  return { code: out + code.slice(from), vars };
}
