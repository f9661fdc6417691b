import { createRequire } from 'node:module';

// yaml is loaded only for a file that has front matter: most runbooks have none, and every start pays
// for what it loads.
let yamlParse: ((text: string) => unknown) | undefined;
function parseYaml(text: string): unknown {
  yamlParse ??= (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse;
  return yamlParse(text);
}

export interface FrontMatter {
  meta?: Record<string, unknown>;
  /** The document with the front matter's lines blanked, so line numbers stay true. */
  body: string;
}

const OPEN = /^---[ \t]*\n/;
const CLOSE = /\n(---|\.\.\.)[ \t]*(\n|$)/;

/** YAML front matter at the very top (`---` … `---`): metadata, never a section. */
export function splitFrontMatter(text: string): FrontMatter {
  if (!OPEN.test(text)) return { body: text };
  const close = CLOSE.exec(text.slice(3));
  if (!close) return { body: text };
  const end = 3 + close.index + close[0].length;
  const yamlText = text.slice(text.indexOf('\n') + 1, 3 + close.index + 1);
  const blanked = text.slice(0, end).replace(/[^\n]/g, '');
  let parsed: unknown;
  try {
    parsed = parseYaml(yamlText);
  } catch {
    // Not YAML: the dashes were a thematic break, and the text is ordinary Markdown.
    return { body: text };
  }
  if (parsed === null || parsed === undefined) return { meta: {}, body: blanked + text.slice(end) };
  if (typeof parsed !== 'object' || Array.isArray(parsed)) return { body: text };
  return { meta: parsed as Record<string, unknown>, body: blanked + text.slice(end) };
}
