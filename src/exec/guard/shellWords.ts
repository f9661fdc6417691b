// Bash, read far enough to judge it: simple commands with their words as bash will see them
// (quotes removed, $'…' decoded, known variables and placeholder values expanded once), their
// assignments, redirections, heredoc bodies and pipes, and the code nested in $( ), ` ` and <( ).
// Control structure (if, for, case, functions) only separates commands: every command is judged.

export interface Word {
  /** The word after quote removal and expansion of known variables. */
  text: string;
  /** Part of it is computed when the command runs (an unknown variable, $( ), globbing aside). */
  dynamic: boolean;
  /** Unquoted glob or brace expansion: bash turns it into other words (`{rm,-rf,x}`, `/bin/r?`). */
  pattern?: string;
}

export interface Redirect {
  op: string;
  fd?: string;
  target: Word;
  /** A heredoc's or here-string's text, expanded as bash would. */
  input?: string;
}

export interface SimpleCommand {
  assigns: Array<{ name: string; value: Word }>;
  words: Word[];
  redirects: Redirect[];
  /** The command whose output feeds this one through a pipe. */
  pipedFrom?: SimpleCommand;
  /** Code that runs inside this command's words ($( ), backticks, process substitution). */
  nested: string[];
  /** Functions defined in the code, by name. */
}

export interface ShellScript {
  commands: SimpleCommand[];
  /** Functions defined in the code: name → body, judged where they are called. */
  functions: Map<string, string>;
  /** Where bash would not be able to read it. */
  problems: string[];
}

export interface LexContext {
  /** Variables whose values are known: placeholder values, the environment, literal assignments. */
  vars: Map<string, string>;
  positional?: string[];
}

const RESERVED_PREFIX = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', 'time', 'coproc']);
const RESERVED_END = new Set(['fi', 'done', '}', 'esac']);
const ANSI: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };

function decodeAnsi(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = body[++i] ?? '';
    if (n in ANSI) out += ANSI[n];
    else if (n === 'x') {
      const m = /^[0-9a-fA-F]{1,2}/.exec(body.slice(i + 1))?.[0] ?? '';
      out += m ? String.fromCharCode(parseInt(m, 16)) : '\\x';
      i += m.length;
    } else if (n === 'u' || n === 'U') {
      const m = new RegExp(`^[0-9a-fA-F]{1,${n === 'u' ? 4 : 8}}`).exec(body.slice(i + 1))?.[0] ?? '';
      out += m ? String.fromCodePoint(parseInt(m, 16)) : `\\${n}`;
      i += m.length;
    } else if (/[0-7]/.test(n)) {
      const m = /^[0-7]{1,3}/.exec(body.slice(i))![0];
      out += String.fromCharCode(parseInt(m, 8));
      i += m.length - 1;
    } else if (n === 'c') {
      out += String.fromCharCode((body.charCodeAt(i + 1) || 64) & 31);
      i++;
    } else out += `\\${n}`;
  }
  return out;
}

/** Index just past the `)` that closes a `$(` / `<(` opened before `from`, skipping quotes. */
function closeParen(code: string, from: number): number {
  let depth = 1;
  for (let i = from; i < code.length; i++) {
    const c = code[i]!;
    if (c === '\\') i++;
    else if (c === "'") i = Math.max(i, code.indexOf("'", i + 1));
    else if (c === '"') {
      for (i++; i < code.length && code[i] !== '"'; i++) if (code[i] === '\\') i++;
    } else if (c === '`') {
      for (i++; i < code.length && code[i] !== '`'; i++) if (code[i] === '\\') i++;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i + 1;
    if (i < 0) return code.length;
  }
  return code.length;
}

function closeBacktick(code: string, from: number): number {
  for (let i = from; i < code.length; i++) {
    if (code[i] === '\\') i++;
    else if (code[i] === '`') return i + 1;
  }
  return code.length;
}

function closeBrace(code: string, from: number): number {
  let depth = 1;
  for (let i = from; i < code.length; i++) {
    if (code[i] === '\\') i++;
    else if (code[i] === '{') depth++;
    else if (code[i] === '}' && --depth === 0) return i + 1;
  }
  return code.length;
}

class Lexer {
  i = 0;
  nested: string[] = [];
  constructor(readonly code: string, readonly ctx: LexContext) {}

  /** A `$…` expansion at this.i; returns its text (known) or marks it dynamic. */
  expansion(word: { text: string; dynamic: boolean; spread?: string[] }, quoted: boolean): void {
    const code = this.code;
    const i = this.i;
    if (code.startsWith('$((', i)) {
      const end = closeParen(code, i + 2);
      word.text += code.slice(i, end);
      word.dynamic = true;
      this.collectNested(code.slice(i + 3, end - 2));
      this.i = end;
    } else if (code.startsWith('$(', i)) {
      const end = closeParen(code, i + 2);
      this.nested.push(code.slice(i + 2, end - 1));
      word.text += code.slice(i, end);
      word.dynamic = true;
      this.i = end;
    } else if (code[i + 1] === '{') {
      const end = closeBrace(code, i + 2);
      const inner = code.slice(i + 2, end - 1);
      const simple = /^[A-Za-z_][A-Za-z0-9_]*$|^[0-9]+$/.test(inner) ? inner : undefined;
      const withDefault = /^([A-Za-z_][A-Za-z0-9_]*):?[-=](.*)$/s.exec(inner);
      if (simple !== undefined) this.variable(word, simple, quoted, code.slice(i, end));
      else if (withDefault && this.ctx.vars.has(withDefault[1]!)) word.text += this.ctx.vars.get(withDefault[1]!);
      else {
        word.text += code.slice(i, end);
        word.dynamic = true;
        if (inner.includes('$(') || inner.includes('`')) this.collectNested(inner);
      }
      this.i = end;
    } else {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-])/.exec(code.slice(i));
      if (!m) {
        word.text += '$';
        this.i = i + 1;
        return;
      }
      this.variable(word, m[1]!, quoted, m[0]);
      this.i = i + m[0].length;
    }
  }

  collectNested(text: string): void {
    for (let k = 0; k < text.length; k++) {
      if (text.startsWith('$(', k) && !text.startsWith('$((', k)) {
        const end = closeParen(text, k + 2);
        this.nested.push(text.slice(k + 2, end - 1));
        k = end - 1;
      } else if (text[k] === '`') {
        const end = closeBacktick(text, k + 1);
        this.nested.push(text.slice(k + 1, end - 1).replace(/\\([`$\\])/g, '$1'));
        k = end - 1;
      }
    }
  }

  variable(word: { text: string; dynamic: boolean; spread?: string[] }, name: string, quoted: boolean, raw: string): void {
    const positional = this.ctx.positional;
    if ((name === '@' || name === '*') && positional) {
      if (name === '@' && quoted) word.spread = positional;
      word.text += positional.join(' ');
      return;
    }
    if (/^[1-9]$/.test(name) && positional) {
      word.text += positional[Number(name) - 1] ?? '';
      return;
    }
    const value = this.ctx.vars.get(name);
    if (value !== undefined) {
      word.text += value;
      // Unquoted, a value is split on spaces; the judge sees each part as bash would.
      if (!quoted && /\s/.test(value)) word.spread = value.trim().split(/\s+/);
      return;
    }
    word.text += raw;
    word.dynamic = true;
  }

  /** One word from this.i, or undefined at an operator or the end. */
  word(): (Word & { spread?: string[]; raw: string }) | undefined {
    const code = this.code;
    const start = this.i;
    const word: Word & { spread?: string[] } = { text: '', dynamic: false };
    let any = false;
    while (this.i < code.length) {
      const c = code[this.i]!;
      if (/[ \t\n;&|()]/.test(c)) break;
      if ((c === '<' || c === '>') && code[this.i + 1] === '(' && !any) {
        const end = closeParen(code, this.i + 2);
        this.nested.push(code.slice(this.i + 2, end - 1));
        word.text += code.slice(this.i, end);
        word.dynamic = true;
        this.i = end;
        any = true;
        continue;
      }
      if (c === '<' || c === '>') break;
      any = true;
      if (c === '\\') {
        if (code[this.i + 1] !== '\n') word.text += code[this.i + 1] ?? '';
        this.i += 2;
      } else if (c === "'") {
        const end = code.indexOf("'", this.i + 1);
        word.text += code.slice(this.i + 1, end < 0 ? code.length : end);
        this.i = end < 0 ? code.length : end + 1;
      } else if (code.startsWith("$'", this.i)) {
        let k = this.i + 2;
        while (k < code.length && code[k] !== "'") k += code[k] === '\\' ? 2 : 1;
        word.text += decodeAnsi(code.slice(this.i + 2, k));
        this.i = k + 1;
      } else if (c === '"' || code.startsWith('$"', this.i)) {
        this.i += c === '"' ? 1 : 2;
        this.doubleQuoted(word);
      } else if (c === '$') {
        const before = word.text;
        this.expansion(word, false);
        if (word.spread && before) word.spread = undefined;
      } else if (c === '`') {
        const end = closeBacktick(code, this.i + 1);
        this.nested.push(code.slice(this.i + 1, end - 1).replace(/\\([`$\\])/g, '$1'));
        word.text += code.slice(this.i, end);
        word.dynamic = true;
        this.i = end;
      } else if (c === '=' && code[this.i + 1] === '(' && /^[A-Za-z_][A-Za-z0-9_]*\+?$/.test(code.slice(start, this.i))) {
        const end = closeParen(code, this.i + 2);
        word.text += code.slice(this.i, end);
        this.i = end;
      } else {
        if (/[*?[{]/.test(c)) word.pattern = `${word.pattern ?? ''}${c}`;
        word.text += c;
        this.i++;
      }
    }
    if (!any) return undefined;
    // Only a real glob ([…], *, ?) or a brace list with , or .. is expanded by bash.
    if (word.pattern && !(/[*?[]/.test(word.pattern) || /\{[^{}]*(,|\.\.)[^{}]*\}/.test(word.text))) delete word.pattern;
    else if (word.pattern) word.pattern = word.text;
    return { ...word, raw: code.slice(start, this.i) };
  }

  doubleQuoted(word: Word & { spread?: string[] }): void {
    const code = this.code;
    while (this.i < code.length && code[this.i] !== '"') {
      const c = code[this.i]!;
      if (c === '\\' && /[$`"\\\n]/.test(code[this.i + 1] ?? '')) {
        if (code[this.i + 1] !== '\n') word.text += code[this.i + 1];
        this.i += 2;
      } else if (c === '$') {
        this.expansion(word, true);
      } else if (c === '`') {
        const end = closeBacktick(code, this.i + 1);
        this.nested.push(code.slice(this.i + 1, end - 1).replace(/\\([`$\\"])/g, '$1'));
        word.text += code.slice(this.i, end);
        word.dynamic = true;
        this.i = end;
      } else {
        word.text += c;
        this.i++;
      }
    }
    this.i++;
  }

  /** A heredoc body with `$` expansions applied (unquoted) or as written (quoted). */
  expandHeredoc(body: string): string {
    const sub = new Lexer(body, this.ctx);
    const word: Word & { spread?: string[] } = { text: '', dynamic: false };
    while (sub.i < body.length) {
      const c = body[sub.i]!;
      if (c === '\\' && /[$`\\]/.test(body[sub.i + 1] ?? '')) {
        word.text += body[sub.i + 1];
        sub.i += 2;
      } else if (c === '$') sub.expansion(word, true);
      else if (c === '`') {
        const end = closeBacktick(body, sub.i + 1);
        sub.nested.push(body.slice(sub.i + 1, end - 1));
        word.text += body.slice(sub.i, end);
        sub.i = end;
      } else {
        word.text += c;
        sub.i++;
      }
    }
    this.nested.push(...sub.nested);
    return word.text;
  }
}

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)(\[[^\]]*\])?\+?=/;

/** The end of the compound command (a function body) starting at or after `from`: `{ … }` or `( … )`. */
function compoundEnd(code: string, from: number): { start: number; end: number } | undefined {
  let i = from;
  while (i < code.length && /\s/.test(code[i]!)) i++;
  if (code[i] === '(') return { start: i + 1, end: closeParen(code, i + 1) };
  if (code[i] !== '{') return undefined;
  const start = i + 1;
  let depth = 1;
  for (i = start; i < code.length; i++) {
    const c = code[i]!;
    if (c === '\\') i++;
    else if (c === "'") i = code.indexOf("'", i + 1) < 0 ? code.length : code.indexOf("'", i + 1);
    else if (c === '"') {
      for (i++; i < code.length && code[i] !== '"'; i++) if (code[i] === '\\') i++;
    } else if (c === '$' && code[i + 1] === '{') i = closeBrace(code, i + 2) - 1;
    else if (c === '$' && code[i + 1] === '(') i = closeParen(code, i + 2) - 1;
    else if (c === '#' && /[\s;]/.test(code[i - 1] ?? ' ')) i = code.indexOf('\n', i) < 0 ? code.length : code.indexOf('\n', i);
    else if ((c === '{' || c === '}') && /[\s;&|(){}]/.test(code[i - 1] ?? ' ') && /[\s;&|(){}]|^$/.test(code[i + 1] ?? '')) {
      if (c === '{') depth++;
      else if (--depth === 0) return { start, end: i + 1 };
    }
  }
  return { start, end: code.length };
}

/**
 * Names the code sets in more than one place or by other means (for, read, mapfile, printf -v, let,
 * (( )), unset, getopts): their value depends on which branch runs, so they are never resolved.
 */
export function unstableNames(code: string): Set<string> {
  // Single-quoted text is data here (code inside `bash -c '…'` is judged on its own).
  const text = code.replace(/'[^']*'/g, (m) => ' '.repeat(m.length));
  const counts = new Map<string, number>();
  for (const m of text.matchAll(/(?:^|[\s;&|(`{])([A-Za-z_][A-Za-z0-9_]*)(?:\[[^\]]*\])?\+?=/g)) counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1);
  const unstable = new Set([...counts].filter(([, n]) => n > 1).map(([name]) => name));
  const setters = /(?:^|[;&|(){}\n`]|\b(?:do|then|else|time)\b|!)\s*(?:for|select|read|mapfile|readarray|getopts|unset|let|local|declare|typeset|export|readonly)\b([^;\n&|]*)/g;
  for (const m of text.matchAll(setters)) {
    for (const name of m[1]!.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []) unstable.add(name);
  }
  for (const m of text.matchAll(/-v\s+([A-Za-z_][A-Za-z0-9_]*)|\(\([^)]*?([A-Za-z_][A-Za-z0-9_]*)\s*[-+*/%]?=/g)) unstable.add((m[1] ?? m[2])!);
  // Placeholder values arrive only through the environment.
  for (const name of unstable) if (name.startsWith('RUNBOOK_VALUE_')) unstable.delete(name);
  return unstable;
}

export function lexShell(code: string, ctx: LexContext): ShellScript {
  const lexer = new Lexer(code, ctx);
  const unstable = unstableNames(code);
  for (const name of unstable) ctx.vars.delete(name);
  const assign = (name: string, value: Word) => {
    if (!value.dynamic && !unstable.has(name)) ctx.vars.set(name, value.text);
    else ctx.vars.delete(name);
  };
  const commands: SimpleCommand[] = [];
  const functions = new Map<string, string>();
  const defineFunction = (name: string) => {
    const body = compoundEnd(code, lexer.i);
    if (!body) return;
    functions.set(name, code.slice(body.start, Math.max(body.start, body.end - 1)));
    lexer.i = body.end;
  };
  const problems: string[] = [];
  const pendingDocs: Array<{ redirect: Redirect; delim: string; quoted: boolean; strip: boolean }> = [];
  let current: SimpleCommand = { assigns: [], words: [], redirects: [], nested: [] };
  let skipUntilSeparator = false;
  let casePatterns = 0;
  let inCase = false;
  let testDepth = false;

  const finish = (pipe = false) => {
    current.nested.push(...lexer.nested.splice(0));
    const done = current;
    if (done.words.length || done.assigns.length || done.redirects.length || done.nested.length) commands.push(done);
    current = { assigns: [], words: [], redirects: [], nested: [] };
    if (pipe) current.pipedFrom = done;
    skipUntilSeparator = false;
  };

  while (lexer.i < code.length) {
    const c = code[lexer.i]!;
    if (c === ' ' || c === '\t') {
      lexer.i++;
      continue;
    }
    if (c === '\\' && code[lexer.i + 1] === '\n') {
      lexer.i += 2;
      continue;
    }
    if (c === '#' && (lexer.i === 0 || /[\s;&|()]/.test(code[lexer.i - 1]!))) {
      const end = code.indexOf('\n', lexer.i);
      lexer.i = end < 0 ? code.length : end;
      continue;
    }
    if (c === '\n') {
      lexer.i++;
      finish();
      for (const doc of pendingDocs.splice(0)) {
        let body = '';
        for (;;) {
          const end = code.indexOf('\n', lexer.i);
          const lineEnd = end < 0 ? code.length : end;
          const line = code.slice(lexer.i, lineEnd);
          lexer.i = end < 0 ? code.length : end + 1;
          if ((doc.strip ? line.replace(/^\t+/, '') : line) === doc.delim) break;
          body += (doc.strip ? line.replace(/^\t+/, '') : line) + '\n';
          if (end < 0) {
            problems.push(`the heredoc ${doc.delim} is not closed`);
            break;
          }
        }
        doc.redirect.input = doc.quoted ? body : lexer.expandHeredoc(body);
        current.nested.push(...lexer.nested.splice(0));
        if (current.nested.length) finish();
      }
      continue;
    }
    if (inCase && casePatterns > 0 && current.words.length === 0) {
      // A case pattern runs up to its `)`.
      const end = code.indexOf(')', lexer.i);
      if (code.startsWith('esac', lexer.i)) {
        inCase = false;
        lexer.i += 4;
        continue;
      }
      // A pattern is expanded when it is matched: a command substitution in it runs.
      lexer.collectNested(code.slice(lexer.i, end < 0 ? code.length : end + 1));
      lexer.i = end < 0 ? code.length : end + 1;
      casePatterns = 0;
      continue;
    }
    const op = /^(;;&|;;|;&|&&|\|\||\|&|[;&|()])/.exec(code.slice(lexer.i))?.[0];
    if (op) {
      lexer.i += op.length;
      if (op === '(' && current.words.length === 1 && !current.assigns.length && code.slice(lexer.i).match(/^\s*\)/)) {
        const name = current.words[0]!.text;
        lexer.i = code.indexOf(')', lexer.i) + 1;
        current.words = [];
        defineFunction(name);
        continue;
      }
      if (op === '(' && code[lexer.i] === '(' && current.words.length === 0) {
        const end = code.indexOf('))', lexer.i);
        lexer.collectNested(code.slice(lexer.i + 1, end < 0 ? code.length : end));
        lexer.i = end < 0 ? code.length : end + 2;
        continue;
      }
      if (op.startsWith(';;') || op === ';&') casePatterns = 1;
      finish(op === '|' || op === '|&');
      continue;
    }
    const redirect = /^([0-9]+|\{[A-Za-z_][A-Za-z0-9_]*\})?(&>>|&>|>>|>\||>&|<&|<<<|<<-|<<|<>|>|<)(?!\()/.exec(code.slice(lexer.i));
    if (redirect) {
      lexer.i += redirect[0].length;
      while (code[lexer.i] === ' ' || code[lexer.i] === '\t') lexer.i++;
      const rawStart = lexer.i;
      const target = lexer.word() ?? { text: '', dynamic: false, raw: '' };
      const r: Redirect = { op: redirect[2]!, target: { text: target.text, dynamic: target.dynamic }, ...(redirect[1] ? { fd: redirect[1] } : {}) };
      if (r.op === '<<' || r.op === '<<-') {
        const raw = code.slice(rawStart, lexer.i);
        pendingDocs.push({ redirect: r, delim: target.text, quoted: /['"\\]/.test(raw), strip: r.op === '<<-' });
      } else if (r.op === '<<<') r.input = `${target.text}\n`;
      if (!target.raw && r.op !== '<<<') problems.push(`the redirection ${r.op} has no target`);
      current.redirects.push(r);
      continue;
    }
    const word = lexer.word();
    if (!word) {
      problems.push(`unexpected ${JSON.stringify(c)}`);
      lexer.i++;
      continue;
    }
    if (skipUntilSeparator) continue;
    const bare = word.raw === word.text;
    if (testDepth) {
      if (bare && word.text === ']]') testDepth = false;
      continue;
    }
    if (current.words.length === 0 && bare) {
      if (RESERVED_PREFIX.has(word.text)) continue;
      if (RESERVED_END.has(word.text)) {
        if (word.text === 'esac') inCase = false;
        continue;
      }
      if (word.text === '[[') {
        testDepth = true;
        continue;
      }
      if (word.text === 'for' || word.text === 'select') {
        skipUntilSeparator = true;
        continue;
      }
      if (word.text === 'case') {
        inCase = true;
        casePatterns = 0;
        const inAt = code.slice(lexer.i).search(/\bin\b/);
        // The word a case matches is expanded: a command substitution in it runs.
        lexer.collectNested(code.slice(lexer.i, inAt < 0 ? code.length : lexer.i + inAt));
        lexer.i = inAt < 0 ? code.length : lexer.i + inAt + 2;
        casePatterns = 1;
        continue;
      }
      if (word.text === 'function') {
        while (code[lexer.i] === ' ' || code[lexer.i] === '\t') lexer.i++;
        const name = lexer.word();
        const paren = /^\s*\(\s*\)/.exec(code.slice(lexer.i));
        if (paren) lexer.i += paren[0].length;
        if (name) defineFunction(name.text);
        continue;
      }
    }
    if (current.words.length === 0 && ASSIGNMENT.test(word.raw)) {
      const m = ASSIGNMENT.exec(word.text) ?? ASSIGNMENT.exec(word.raw)!;
      const value = { text: word.text.slice(m[0].length), dynamic: word.dynamic };
      current.assigns.push({ name: m[1]!, value });
      assign(m[1]!, value);
      continue;
    }
    if (word.spread && word.spread.length) for (const part of word.spread) current.words.push({ text: part, dynamic: false });
    else current.words.push({ text: word.text, dynamic: word.dynamic, ...(word.pattern ? { pattern: word.pattern } : {}) });
  }
  finish();
  if (pendingDocs.length) problems.push(`the heredoc ${pendingDocs[0]!.delim} has no body`);
  return { commands, functions, problems };
}
