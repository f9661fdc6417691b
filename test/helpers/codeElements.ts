// Every code element of a Markdown file (fenced/indented blocks and inline code spans) beside the
// action kinds the parser made of it: what a judged sample is scored against.
import markdownIt, { type Token } from 'markdown-it';
import { parseRunbook } from '../../src/runbook/parse.js';
import { allActions } from '../../src/runbook/walk.js';

export interface CodeElement {
  type: 'fenced' | 'inline';
  /** Fences: the fence's 1-based line (front matter counted). Inline: the code as written. */
  key: string;
  /** Kinds of the actions made from it, in order; empty when none. */
  predicted: string[];
}

const md = markdownIt('default', { html: true });

export function codeElements(source: string): CodeElement[] {
  const runbook = parseRunbook(source);
  const fenceLines = new Set<number>();
  const tokens = md.parse(source.replace(/^---\n[\s\S]*?\n---\n/, (m) => m.replace(/[^\n]/g, '')), {});
  const fences: Array<{ line: number }> = [];
  const inline: string[] = [];
  const visit = (list: Token[]) => {
    for (const token of list) {
      if ((token.type === 'fence' || token.type === 'code_block') && token.map) {
        fences.push({ line: token.map[0] + 1 });
        fenceLines.add(token.map[0] + 1);
      }
      if (token.type === 'code_inline') inline.push(token.content.trim());
      if (token.children) visit(token.children);
    }
  };
  visit(tokens);
  const actions = allActions(runbook).map(({ action }) => action);
  const elements: CodeElement[] = fences.map(({ line }) => ({
    type: 'fenced',
    key: String(line),
    predicted: actions.filter((a) => a.line === line).map((a) => a.kind),
  }));
  const inlineActions = actions.filter((a) => !fenceLines.has(a.line));
  for (const code of inline) {
    // An inline command written with its prompt (`$ kubectl get pods`) runs without it.
    const at = inlineActions.findIndex((a) => a.code === code || a.code === code.replace(/^\$\s+/, ''));
    const predicted = at >= 0 ? [inlineActions.splice(at, 1)[0]!.kind] : [];
    elements.push({ type: 'inline', key: code, predicted });
  }
  return elements;
}
