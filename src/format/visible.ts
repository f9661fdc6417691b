// Text from a log or an archive shown in the terminal: every control character, bidi override and
// line separator as its code point, so a signer name cannot clear the screen, colour a forged verdict,
// start a line of its own or read backwards.

const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/g;

export function visible(text: string): string {
  return text.replace(INVISIBLE, (c) => `‹U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}›`);
}
