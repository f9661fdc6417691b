// Which variables a shell action would export, found by reading its code (nothing runs): for
// `--dry-run`, and for `exec` to know before the first action that a later one's `$NAMESPACE` will
// come from an earlier step. Only exported names count, since only they reach later actions:
// `export NAME=…`, `export NAME`, `declare -x`/`typeset -x NAME`, and `NAME=…` or `read NAME` when
// the same action also exports NAME (or turned on `set -a`). A guess: the run itself records what
// was really exported.

import { whyNotCarried } from './exports.js';

// In command position: at a line's start, after `;` `&&` `||` `|` `(` `{`, or after then/do/else.
const EXPORTER = /(?:^|[;&|({]|\b(?:then|do|else)[ \t])[ \t]*(?:export|declare|typeset)(?=\s)/gm;
// One word after `export`: an option, or NAME with an optional value (quoted, `$( )`, or plain).
const EXPORT_WORD = /[ \t]+(?:(-[a-zA-Z]+)|([A-Za-z_][A-Za-z0-9_]*)(?:=(?:'[^']*'|"(?:[^"\\]|\\.)*"|\$\((?:[^()]|\([^()]*\))*\)|[^\s;&|()'"])*)?)(?=[\s;&|)]|$)/y;
const ASSIGNED = /(?:^|[\s;&|({])([A-Za-z_][A-Za-z0-9_]*)=/g;
const READ = /(?:^|[;&|({]|\b(?:then|do|else)[ \t])[ \t]*read[ \t]+([^;&|\n]*)/gm;
const ALLEXPORT = /(?:^|[\s;&|({])set\s+(?:-[a-zA-Z]*a|-o\s+allexport)\b/;

/** The names an action's code exports, in order of first appearance; names that never carry are left out unless `all`. */
export function namesExportedBy(code: string, options: { all?: boolean } = {}): string[] {
  // Comments say nothing about what runs.
  const text = code.split('\n').map((line) => line.replace(/(^|\s)#.*$/, '$1')).join('\n');
  const exported: string[] = [];
  for (const m of text.matchAll(EXPORTER)) {
    const keyword = /(export|declare|typeset)$/.exec(m[0])![1]!;
    EXPORT_WORD.lastIndex = m.index + m[0].length;
    let exporting = keyword === 'export';
    for (let word = EXPORT_WORD.exec(text); word; word = EXPORT_WORD.exec(text)) {
      // `declare`/`typeset` export only with -x; `export -n` takes the export away.
      if (word[1]) exporting = keyword === 'export' ? !word[1].includes('n') : word[1].includes('x') || exporting;
      else if (exporting && !exported.includes(word[2]!)) exported.push(word[2]!);
    }
  }
  if (ALLEXPORT.test(text)) {
    for (const m of text.matchAll(ASSIGNED)) if (!exported.includes(m[1]!)) exported.push(m[1]!);
    for (const m of text.matchAll(READ)) {
      const words = m[1]!.replace(/'[^']*'|"(?:[^"\\]|\\.)*"/g, 'Q').trim().split(/\s+/);
      for (let i = 0; i < words.length; i++) {
        const word = words[i]!;
        // Options that take an argument: -p prompt, -d delim, -n/-N count, -t timeout, -u fd, -a array, -i text.
        if (word.startsWith('-')) {
          if (/[pdnNtuai]$/.test(word)) i++;
        } else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(word) && !exported.includes(word)) exported.push(word);
      }
    }
  }
  return options.all ? exported : exported.filter((name) => whyNotCarried(name, '') === undefined);
}
