// Section ids are GitHub's heading anchors, so an id is the `#anchor` people already link to. The
// anchor is made from the heading's text as GitHub renders it: link text without its URL, emphasis
// and code without their markers, entities decoded, images and HTML tags dropped.

import { slug } from 'github-slugger';
import markdownIt, { type MarkdownIt, type Token } from 'markdown-it';

let inlineParser: MarkdownIt | undefined;

/** The plain text of a heading's Markdown source, as a reader sees it. */
export function headingPlainText(source: string): string {
  if (!/[[\]*_`<&\\!~]/.test(source)) return source;
  inlineParser ??= markdownIt('default', { html: true, linkify: false, typographer: false });
  const tokens: Token[] = [];
  inlineParser.inline.parse(source, inlineParser, {}, tokens);
  let text = '';
  for (const token of tokens) {
    if (token.type === 'image') continue; // alt text is not rendered text
    if (token.type === 'text' || token.type === 'code_inline') text += token.content;
    else if (token.type === 'softbreak' || token.type === 'hardbreak') text += ' ';
  }
  return text;
}

/** The GitHub anchor of a heading given as Markdown source. */
export function slugify(text: string): string {
  return slug(headingPlainText(text));
}

/** Hands out unique anchors the way GitHub (github-slugger) does: `faq`, `faq-1`, `faq-2`. */
export function slugger(): (text: string) => string {
  const occurrences = new Map<string, number>();
  return (text) => {
    // A heading of punctuation only has an empty anchor on GitHub; an id must not be empty.
    const base = slug(headingPlainText(text)) || 'section';
    let result = base;
    while (occurrences.has(result)) {
      const n = occurrences.get(base)! + 1;
      occurrences.set(base, n);
      result = `${base}-${n}`;
    }
    occurrences.set(result, 0);
    return result;
  };
}
