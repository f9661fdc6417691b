// A verb line split into words the way a shell would: 'single' and "double" quotes and backslash
// escapes keep spaces inside one word (`storage signed-url ebooks "my folder/a b.pdf"`). Nothing is
// expanded: no variables, no globs.

export class WordsError extends Error {}

export function splitWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && (line[i + 1] === '"' || line[i + 1] === '\\')) word += line[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) throw new WordsError(`unclosed ${quote === "'" ? 'single' : 'double'} quote in "${line}"`);
  if (inWord) words.push(word);
  return words;
}
