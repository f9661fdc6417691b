// Checks of a report's Markdown with markdown-it: code spans that never close, tables whose rows do not
// have their header's columns, and the links it holds.
import GithubSlugger from 'github-slugger';
import markdownIt from 'markdown-it';

type Token = ReturnType<ReturnType<typeof markdownIt>['parse']>[number];

function parser() {
  const md = markdownIt('default');
  // Keep escapes (text_special) apart from text: a backtick left in a text token is an unclosed code span.
  md.disable('text_join');
  return md;
}

/** GFM splits a table row on pipes not escaped with a backslash (inside code spans too). */
function cellCount(line: string): number {
  const trimmed = line.trim().replace(/^\|/, '').replace(/(?<!\\)\|$/, '');
  return trimmed.split(/(?<!\\)\|/).length;
}

export function markdownProblems(markdown: string): string[] {
  const problems: string[] = [];
  const tokens = parser().parse(markdown, {});
  const lines = markdown.split('\n');
  for (const token of tokens) {
    if (token.type === 'inline') {
      for (const child of token.children ?? []) {
        if (child.type === 'text' && child.content.includes('`')) problems.push(`unclosed code span on line ${(token.map?.[0] ?? 0) + 1}: ${child.content}`);
      }
    }
    if (token.type === 'table_open' && token.map) {
      const [start, end] = token.map;
      const width = cellCount(lines[start]!);
      for (let i = start; i < end; i++) {
        if (cellCount(lines[i]!) !== width) problems.push(`table row on line ${i + 1} has ${cellCount(lines[i]!)} cells, its header ${width}`);
      }
    }
  }
  return problems;
}

export function links(markdown: string): string[] {
  const out: string[] = [];
  const visit = (list: Token[]) => {
    for (const t of list) {
      if (t.type === 'link_open') out.push(t.attrGet('href') ?? '');
      if (t.children) visit(t.children);
    }
  };
  visit(markdownIt('default').parse(markdown, {}));
  return out;
}

/** Heading anchors as GitHub makes them. */
export function anchors(markdown: string): Set<string> {
  const slugger = new GithubSlugger();
  const tokens = markdownIt('default').parse(markdown, {});
  const out = new Set<string>();
  tokens.forEach((t, i) => {
    if (t.type === 'heading_open') {
      const text = (tokens[i + 1]?.children ?? []).filter((c) => c.type === 'text' || c.type === 'code_inline').map((c) => c.content).join('');
      out.add(slugger.slug(text));
    }
  });
  return out;
}

/** Rows of the table that follows the first line matching `after` (header and rule excluded). */
export function tableRowsAfter(markdown: string, after: RegExp): string[] {
  const lines = markdown.split('\n');
  let i = lines.findIndex((l) => after.test(l));
  if (i < 0) return [];
  while (i < lines.length && !lines[i]!.startsWith('|')) i++;
  const rows: string[] = [];
  for (i += 2; i < lines.length && lines[i]!.startsWith('|'); i++) rows.push(lines[i]!);
  return rows;
}
