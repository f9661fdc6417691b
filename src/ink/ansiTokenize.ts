// Ink's output.js, bundled with this module in place of @alcalzone/ansi-tokenize (see
// scripts/bundleOptions.mjs). Ink turns every frame into a grid of styled cells, width × height, and
// joins each row with styledCharsToString, which builds three Sets and two arrays per cell to find
// the escape codes between neighbours. A 120×40 frame is 4,800 cells, nearly all blank or styled
// like their left neighbour, and on a cold start that loop was the largest part of the first frame.
// This one skips the diff when two neighbours carry the same codes; the output is the same string.

import { ansiCodesToString, diffAnsiCodes, type AnsiCode, type StyledChar } from '@alcalzone/ansi-tokenize';

export * from '@alcalzone/ansi-tokenize';

function sameCodes(a: AnsiCode[], b: AnsiCode[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.code !== b[i]!.code || a[i]!.endCode !== b[i]!.endCode) return false;
  return true;
}

export function styledCharsToString(chars: StyledChar[]): string {
  let out = '';
  let previous: AnsiCode[] | undefined;
  for (const char of chars) {
    if (previous === undefined) out += ansiCodesToString(char.styles);
    else if (!sameCodes(previous, char.styles)) out += ansiCodesToString(diffAnsiCodes(previous, char.styles));
    out += char.value;
    previous = char.styles;
  }
  if (previous?.length) out += ansiCodesToString(diffAnsiCodes(previous, []));
  return out;
}
