// Just enough SQL lexing to split statements and see their keywords: comments, string literals,
// quoted identifiers and dollar-quoted bodies are skipped, never mistaken for code.

export interface SqlStatement {
  text: string;
  /** Lower-case words outside strings and comments, in order. */
  words: string[];
}

export function splitStatements(sql: string): SqlStatement[] {
  const statements: SqlStatement[] = [];
  let current = '';
  let words: string[] = [];
  let word = '';
  let depth = 0;
  const endWord = () => {
    if (word) words.push(word.toLowerCase());
    word = '';
  };
  const push = () => {
    endWord();
    if (current.trim()) statements.push({ text: current.trim(), words });
    current = '';
    words = [];
  };
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      endWord();
      const end = sql.indexOf('\n', i);
      const stop = end < 0 ? sql.length : end;
      current += sql.slice(i, stop);
      i = stop - 1;
      continue;
    }
    if (c === '/' && next === '*') {
      endWord();
      const end = sql.indexOf('*/', i + 2);
      const stop = end < 0 ? sql.length : end + 2;
      current += sql.slice(i, stop);
      i = stop - 1;
      continue;
    }
    if (c === "'" || c === '"') {
      endWord();
      let j = i + 1;
      for (; j < sql.length; j++) {
        if (sql[j] === c) {
          if (sql[j + 1] === c) j++;
          else break;
        }
      }
      current += sql.slice(i, j + 1);
      i = j;
      continue;
    }
    if (c === '$') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
      if (tag && !/[A-Za-z0-9_]/.test(sql[i - 1] ?? '')) {
        endWord();
        const end = sql.indexOf(tag[0], i + tag[0].length);
        const stop = end < 0 ? sql.length : end + tag[0].length;
        current += sql.slice(i, stop);
        i = stop - 1;
        continue;
      }
    }
    if (c === '(') depth++;
    if (c === ')') depth = Math.max(0, depth - 1);
    if (c === ';' && depth === 0) {
      push();
      continue;
    }
    if (/[A-Za-z0-9_]/.test(c)) word += c;
    else endWord();
    current += c;
  }
  push();
  return statements;
}
