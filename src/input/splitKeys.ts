// Terminal input as single key presses. A slow SSH link, tmux or a fast typist delivers several keys
// in one read ("jjj", two Down arrows, "ebooks\r"); every one of them must count, in order. Pure.

export interface Key {
  /** The character typed, the letter of a Ctrl combination, or a whole bracketed paste; '' otherwise. */
  input: string;
  upArrow: boolean;
  downArrow: boolean;
  leftArrow: boolean;
  rightArrow: boolean;
  pageUp: boolean;
  pageDown: boolean;
  home: boolean;
  end: boolean;
  return: boolean;
  escape: boolean;
  tab: boolean;
  backspace: boolean;
  delete: boolean;
  ctrl: boolean;
  shift: boolean;
  meta: boolean;
  /** Text the terminal marked as pasted (bracketed paste): one key, never a string of commands. */
  paste: boolean;
}

type Flag = Exclude<keyof Key, 'input'>;

const NONE: Key = {
  input: '', upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageUp: false, pageDown: false, home: false, end: false,
  return: false, escape: false, tab: false, backspace: false, delete: false, ctrl: false, shift: false, meta: false, paste: false,
};

export function key(flags: Partial<Key> = {}): Key {
  return { ...NONE, ...flags };
}

const ESC = '\u001b';
const PASTE_START = `${ESC}[200~`;
const PASTE_END = `${ESC}[201~`;
/** A paste whose end marker never comes is handed over at this size rather than swallowing every key. */
export const MAX_PASTE = 64 * 1024;

/** CSI and SS3 final letters: ESC [ A, ESC O A … */
const LETTER_KEYS: Record<string, Flag> = { A: 'upArrow', B: 'downArrow', C: 'rightArrow', D: 'leftArrow', H: 'home', F: 'end' };
/** ESC [ n ~ */
const TILDE_KEYS: Record<string, Flag> = { '1': 'home', '7': 'home', '4': 'end', '8': 'end', '5': 'pageUp', '6': 'pageDown', '3': 'delete' };

/** xterm modifier parameter (1 + shift + 2·alt + 4·ctrl) to flags. */
function modifiers(param: string | undefined): Partial<Key> {
  const n = Number(param ?? '1') - 1;
  if (!Number.isInteger(n) || n <= 0) return {};
  return { ...(n & 1 ? { shift: true } : {}), ...(n & 2 ? { meta: true } : {}), ...(n & 4 ? { ctrl: true } : {}) };
}

/** One escape sequence starting at `at` (which holds ESC): the key it means and where the next starts. */
function escapeSequence(text: string, at: number): { key?: Key; next: number } {
  const kind = text[at + 1];
  if (kind === '[') {
    // Parameters, intermediates, then one final byte.
    let i = at + 2;
    while (i < text.length && /[0-9;:<=>?!"#$%&'()*+,\-./ ]/.test(text[i]!)) i++;
    if (i >= text.length) return { next: text.length }; // cut off: nothing a person typed
    const params = text.slice(at + 2, i).split(';');
    const final = text[i]!;
    const next = i + 1;
    if (final === '~') {
      const flag = TILDE_KEYS[params[0] ?? ''];
      return flag ? { key: key({ [flag]: true, ...modifiers(params[1]) }), next } : { next };
    }
    if (final === 'Z') return { key: key({ tab: true, shift: true }), next };
    const flag = LETTER_KEYS[final];
    return flag ? { key: key({ [flag]: true, ...modifiers(params[1]) }), next } : { next };
  }
  if (kind === 'O' && at + 2 < text.length) {
    const flag = LETTER_KEYS[text[at + 2]!];
    return flag ? { key: key({ [flag]: true }), next: at + 3 } : { next: at + 3 };
  }
  // A lone Esc, or Esc followed by another key in the same read (Esc then j, not Alt-j): Esc first.
  return { key: key({ escape: true }), next: at + 1 };
}

function controlKey(char: string): Key | undefined {
  const code = char.charCodeAt(0);
  if (char === '\r' || char === '\n') return key({ return: true });
  if (char === '\t') return key({ tab: true });
  if (char === '\u007f' || char === '\b') return key({ backspace: true });
  if (code === 0) return undefined;
  if (code < 0x20) return key({ ctrl: true, input: String.fromCharCode(code + 96) });
  if (code >= 0x80 && code < 0xa0) return undefined; // C1 controls: never typed
  return undefined;
}

/**
 * A splitter for one input stream: keeps a bracketed paste whole across reads, and turns everything
 * else into one key per press.
 */
export function createKeySplitter(): { push(chunk: string): Key[] } {
  let pasting: string | undefined;
  return {
    push(chunk) {
      const keys: Key[] = [];
      let i = 0;
      while (i < chunk.length) {
        if (pasting !== undefined) {
          const end = chunk.indexOf(PASTE_END, i);
          if (end < 0) {
            pasting += chunk.slice(i);
            if (pasting.length >= MAX_PASTE) {
              keys.push(key({ input: pasting, paste: true }));
              pasting = undefined;
            }
            return keys;
          }
          keys.push(key({ input: pasting + chunk.slice(i, end), paste: true }));
          pasting = undefined;
          i = end + PASTE_END.length;
          continue;
        }
        if (chunk.startsWith(PASTE_START, i)) {
          pasting = '';
          i += PASTE_START.length;
          continue;
        }
        const char = String.fromCodePoint(chunk.codePointAt(i)!);
        if (char === ESC) {
          const { key: parsed, next } = escapeSequence(chunk, i);
          if (parsed) keys.push(parsed);
          i = next;
          continue;
        }
        i += char.length;
        // Enter as CR LF is one press.
        if (char === '\r' && chunk[i] === '\n') i++;
        const control = controlKey(char);
        if (control) keys.push(control);
        else if (char.charCodeAt(0) >= 0x20 && !(char.charCodeAt(0) >= 0x80 && char.charCodeAt(0) < 0xa0)) {
          keys.push(key({ input: char, shift: char !== char.toLowerCase() }));
        }
      }
      return keys;
    },
  };
}

/** Every key in one read, for callers without a stream (tests, one-off input). */
export function splitKeys(chunk: string): Key[] {
  return createKeySplitter().push(chunk);
}

/** Text a text field may take from a key: a printable character or a paste, its line breaks as spaces. */
export function typedText(k: Key): string {
  if (k.paste) return k.input.replace(/\r\n|\r|\n/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
  if (k.ctrl || k.meta || !k.input) return '';
  return k.input;
}
