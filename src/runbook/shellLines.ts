// Where one shell command ends when it spans lines: backslash continuations, heredocs kept whole
// through their terminator, open quotes, trailing `|` / `&&` / `||`, and `if`/`for`/`while`/`case`/`{`
// blocks that are not closed yet. A line scanner, not a parser: it only has to know whether the next
// line still belongs to the command.

export interface ShellLineState {
  /** Quote open at the end of the last line. */
  quote: '' | "'" | '"' | '`';
  /** Heredoc terminators still awaited, in order; `dash` for `<<-` (leading tabs allowed), `quoted` when the body is not expanded (`<<'EOF'`). */
  heredocs: Array<{ word: string; dash: boolean; quoted: boolean }>;
  /** Open `if`/`case`/`do`/`{`/`(` blocks. */
  depth: number;
  /** The last line ended with `\`, `|`, `&&`, `||` or an open `$(`. */
  continued: boolean;
}

export function freshState(): ShellLineState {
  return { quote: '', heredocs: [], depth: 0, continued: false };
}

const CLOSERS = new Set(['fi', 'esac', 'done']);
// Words after which the next word is again a command (so `if`/`done` there are keywords).
const COMMAND_PREFIX = new Set(['then', 'do', 'else', 'elif', '!', 'time', '{', 'if', 'while', 'until']);

/** Whether a command that has read lines up to here needs more lines to be whole. */
export function isOpen(state: ShellLineState): boolean {
  return state.quote !== '' || state.heredocs.length > 0 || state.depth > 0 || state.continued;
}

/** Feed one line; returns the new state (the input is not changed). */
export function feedLine(previous: ShellLineState, line: string): ShellLineState {
  const state: ShellLineState = { quote: previous.quote, heredocs: [...previous.heredocs], depth: previous.depth, continued: false };
  const pending = state.heredocs[0];
  if (pending) {
    const candidate = pending.dash ? line.replace(/^\t+/, '') : line;
    // People indent terminators inside list items and prompts; a trimmed match is what they mean.
    if (candidate === pending.word || candidate.trim() === pending.word) state.heredocs.shift();
    return state;
  }
  let word = '';
  let commandPosition = state.quote === '';
  let parens = 0;
  const endWord = () => {
    if (!word) return;
    if (word === '{') state.depth++;
    else if (word === '}') state.depth = Math.max(0, state.depth - 1);
    else if (commandPosition) {
      if (word === 'if' || word === 'case' || word === 'do') state.depth++;
      else if (CLOSERS.has(word)) state.depth = Math.max(0, state.depth - 1);
    }
    commandPosition = COMMAND_PREFIX.has(word) || (commandPosition && /^[A-Za-z_]\w*=/.test(word));
    word = '';
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (state.quote === "'") {
      if (c === "'") state.quote = '';
      continue;
    }
    if (state.quote === '"' || state.quote === '`') {
      if (c === '\\') i++;
      else if (c === state.quote) state.quote = '';
      continue;
    }
    if (c === '\\') {
      if (i === line.length - 1) {
        state.continued = true;
        break;
      }
      word += line[++i] ?? '';
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      state.quote = c;
      word += c;
      continue;
    }
    if (c === '#' && !word) {
      break; // a comment runs to the end of the line
    }
    if (c === '<' && line[i + 1] === '<' && line[i + 2] === '<') {
      i += 2; // a here-string, not a heredoc
      continue;
    }
    if (c === '<' && line[i + 1] === '<') {
      endWord();
      const m = /^<<(-?)\s*(?:'([^']+)'|"([^"]+)"|\\?([A-Za-z_][\w.-]*))/.exec(line.slice(i));
      if (m) {
        state.heredocs.push({ word: m[2] ?? m[3] ?? m[4]!, dash: m[1] === '-', quoted: m[4] === undefined || m[0].includes('\\') });
        i += m[0].length - 1;
        continue;
      }
      i++;
      continue;
    }
    if (c === '$' && line[i + 1] === '(') {
      parens++;
      word += '$(';
      i++;
      continue;
    }
    if (c === ')' && parens > 0) {
      parens--;
      word += c;
      continue;
    }
    if (c === ';' || c === '|' || c === '&' || c === '(' || c === ')') {
      endWord();
      if (c === '(' && (i === 0 || /[\s;&|]/.test(line[i - 1]!))) state.depth++;
      else if (c === ')' && state.depth > 0 && isSubshellClose(line, i)) state.depth--;
      commandPosition = c !== ')';
      continue;
    }
    if (c === ' ' || c === '\t') {
      endWord();
      continue;
    }
    word += c;
  }
  if (!state.quote) endWord();
  if (parens > 0) state.continued = true;
  const trimmed = line.trimEnd();
  if (!state.quote && !state.continued && /(\|\||&&|\|)$/.test(trimmed) && !/^\s*#/.test(trimmed)) state.continued = true;
  return state;
}

/** A `)` that closes a `( … )` subshell or group rather than a `case` pattern such as `a)`. */
function isSubshellClose(line: string, at: number): boolean {
  const before = line.slice(0, at).trim();
  return before === '' || /[;&|]\s*$/.test(before) || /^\(/.test(before);
}
