// string-width as bundled for Ink (see scripts/bundleOptions.mjs). The package answers printable
// ASCII at once, but any other character sends the whole string through Intl.Segmenter and the
// \p{RGI_Emoji} regular expression, whose first use costs milliseconds on a cold start. The screens
// use a handful of such characters on every line (· ↑ ↓ ❯ ─ …), and so do runbook titles in
// European languages. Those characters, each one column and never part of a longer cluster, are
// counted here; any other string goes to the package as before.

import stringWidth, { type Options } from 'string-width';
import stripAnsi from 'strip-ansi';

/** One column each, and each its own grapheme cluster: checked against string-width in test/ink. */
export const NARROW_CHARACTERS = [
  ...'·↓…─↑❯┼│›–✗✓✎◐○●▸░█→←‹•—’‘“”',
  // Latin-1 Supplement and Latin Extended-A, the soft hyphen (zero width) left out.
  ...Array.from({ length: 0x17f - 0xa1 + 1 }, (_, i) => String.fromCharCode(0xa1 + i)).filter((c) => c !== '\u00ad'),
];
const NARROW = new Set(NARROW_CHARACTERS.map((c) => c.charCodeAt(0)));

export default function fastStringWidth(input: string, options?: Options): number {
  if (typeof input !== 'string' || (options !== undefined && Object.keys(options).length > 0)) return stringWidth(input, options);
  // Escape sequences count for nothing, as in the package (Ink measures text with its styles applied).
  const text = input.includes('\u001b') || input.includes('\u009b') ? stripAnsi(input) : input;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 || code > 0x7e) && !NARROW.has(code)) return stringWidth(input, options);
  }
  return text.length;
}
