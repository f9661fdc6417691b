// Whether a text holds a run of at least `length` characters of a class, found without trying every
// position: a regex like /[A-Za-z0-9/+]{40}/ re-reads up to 39 characters from each start, which made
// the redactor's prefilter cost seconds on a million rows of hex and digits. Here only every
// `length`-th character is looked at until one is in the class, and then only its run.

/** A membership table for ASCII characters. */
export function asciiClass(chars: string): Uint8Array {
  const table = new Uint8Array(128);
  for (const c of chars) table[c.charCodeAt(0)] = 1;
  return table;
}

export const BASE64_CHARS = asciiClass('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+');

/** The same answer as new RegExp(`[class]{${length}}`).test(text), for an ASCII class. */
export function hasRun(text: string, table: Uint8Array, length: number): boolean {
  const inClass = (i: number) => {
    const c = text.charCodeAt(i);
    return c < 128 && table[c] === 1;
  };
  for (let i = length - 1; i < text.length; ) {
    if (!inClass(i)) {
      // No run of `length` can hold position i, so the next one ends at i + length at the earliest.
      i += length;
      continue;
    }
    let start = i;
    while (start > 0 && i - start + 1 < length && inClass(start - 1)) start--;
    let end = i;
    while (end - start + 1 < length && end + 1 < text.length && inClass(end + 1)) end++;
    if (end - start + 1 >= length) return true;
    // The run ends at `end`; the next one starts at end + 2 at the earliest.
    i = end + 1 + length;
  }
  return false;
}
