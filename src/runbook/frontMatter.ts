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
  /** One sentence when a front matter block is there but is not a YAML mapping. */
  warning?: string;
}

const OPEN = /^---[ \t]*\n/;
const CLOSE = /\n(---|\.\.\.)[ \t]*(\n|$)/;
// A block meant as front matter starts with a `key:` line and holds no Markdown heading; otherwise
// the dashes are a thematic break and the text is ordinary Markdown.
const YAML_KEY_FIRST = /^\s*(#[^\n]*\n\s*)*[\w"'-][^\n:]*:(\s|$)/;
const MARKDOWN_HEADING = /^#{1,6}\s/m;

/** YAML front matter at the very top (`---` … `---`): metadata, never a section. */
export function splitFrontMatter(text: string): FrontMatter {
  if (!OPEN.test(text)) return { body: text };
  const close = CLOSE.exec(text.slice(3));
  if (!close) return { body: text };
  const end = 3 + close.index + close[0].length;
  const yamlText = text.slice(text.indexOf('\n') + 1, 3 + close.index + 1);
  const blanked = text.slice(0, end).replace(/[^\n]/g, '');
  const meantAsFrontMatter = YAML_KEY_FIRST.test(yamlText) && !MARKDOWN_HEADING.test(yamlText);
  const invalid = (why: string): FrontMatter =>
    meantAsFrontMatter ? { body: blanked + text.slice(end), warning: `The front matter (lines 1–${countLines(text.slice(0, end))}) ${why}; it is ignored.` } : { body: text };
  let parsed: unknown;
  try {
    parsed = parseYaml(yamlText);
  } catch {
    return invalid('is not valid YAML');
  }
  if (parsed === null || parsed === undefined) return { meta: {}, body: blanked + text.slice(end) };
  if (typeof parsed !== 'object' || Array.isArray(parsed)) return invalid('is not a set of `key: value` fields');
  return { meta: parsed as Record<string, unknown>, body: blanked + text.slice(end) };
}

function countLines(text: string): number {
  return text.replace(/\n$/, '').split('\n').length;
}
