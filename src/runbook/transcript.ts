// Terminal transcripts pasted into runbooks: prompted lines are what the person typed, the rest is
// what came back. Prompts people paste: `$ `, `user@host:~$ `, `[root@host ~]# `, `worker$ `,
// `sh-4.4# `, `PS> `, psql's `dbname=# ` (with `dbname-# ` continuations) and redis-cli's `host:6379> `.

import { feedLine, freshState, isOpen, type ShellLineState } from './shellLines.js';

export type PromptKind = 'shell' | 'sql' | 'redis';

export interface Prompted {
  kind: PromptKind;
  /** What was typed after the prompt. */
  text: string;
  /** psql's `-#` / `->` / `(#` prompt: the statement of the line before goes on. */
  continuation?: boolean;
}

const SHELL_PROMPTS: RegExp[] = [
  /^\s*(?:\([\w.-]+\)\s*)?\$(?:\s(.*))?$/, // `$ cmd`, `(venv) $ cmd`, a lone `$`
  /^\s*(?:\([\w.-]+\)\s*)?[\w.-]+@[\w.-]+(?::[^\s$#]*)?\s?[$#%](?:\s(.*))?$/, // user@host:~$ cmd
  /^\s*\[[\w.-]+@[^\]\s]+(?:\s[^\]]*)?\][$#](?:\s(.*))?$/, // [user@host dir]$ cmd
  /^\s*(?:ba|z|k)?sh-\d[\d.]*[$#](?:\s(.*))?$/, // sh-4.4# cmd (oc rsh, oc debug)
  /^\s*[A-Za-z][\w.~/:-]*\$\s(.*)$/, // worker$ cmd, ~/src$ cmd
  /^\s*PS(?:\s[^>]*)?>\s(.*)$/, // PS> cmd, PS C:\> cmd
];
// `patroni-01-db-gstg $ cmd`: a host or folder name with a hyphen, dot or digit, a space, then the
// prompt; a command never has a lone `$` as its second word. `chef-repo # cmd` is the same as root,
// but `run-backup # nightly` is a command and its comment, so it counts only when what follows reads
// as a command. (The name is checked apart: one pattern for both would backtrack quadratically.)
const HOST_PROMPT = /^\s*([a-z][\w.-]*) ([$#])(?:\s+(.*))?$/;
const HOST_NAME = /[-.\d]/;
// root's bare `# `: a prompt only in a root shell (after `sudo -i`, `oc debug`, …) or in a transcript
// whose every prompt is `#`; anywhere else `# …` is a comment.
const ROOT_PROMPT = /^\s*#(?:\s+(.*))?$/;
// Commands that leave the person typing in a root shell.
const OPENS_ROOT_SHELL = /^(sudo\s+(-[is]\b|su\b|-u\s+root\s+-[is]\b)|su(\s+-)?(\s+root)?\s*$|(oc|kubectl)\s+(debug|rsh)\b|chroot\s|nsenter\s|toolbox\s*$)/;
// `kubectl exec -it pod -- sh`: three patterns in turn, as one they would backtrack quadratically.
const EXEC_SHELL = [/^(oc|kubectl|docker|podman|crictl)\s+exec\b/, /\s-\w*[it]/, /\b(ba|z)?sh\s*$/];

function opensRootShell(command: string): boolean {
  return OPENS_ROOT_SHELL.test(command) || EXEC_SHELL.every((pattern) => pattern.test(command));
}
const PSQL_PROMPT = /^\s*[A-Za-z_][\w.-]*([=\-('"])[#>](?:\s(.*)|$)/;
const REDIS_PROMPT = /^\s*(?:redis\s+)?(?:[\w.-]+|\[[\w:.]+\]):\d{2,5}(?:\[\d+\])?>(?:\s(.*)|$)|^\s*redis>(?:\s(.*)|$)/;

// Every prompt ends in one of these; most lines have none and need no closer look.
const PROMPT_CHARS = /[$#>%]/;

/**
 * The prompt a line starts with, if any, and what was typed after it. `isCommandText` decides whether
 * `host # text` is root's prompt (without it, never).
 */
export function matchPrompt(line: string, isCommandText?: (text: string) => boolean): Prompted | null {
  if (!PROMPT_CHARS.test(line)) return null;
  const redis = REDIS_PROMPT.exec(line);
  if (redis) return { kind: 'redis', text: redis[1] ?? redis[2] ?? '' };
  const psql = PSQL_PROMPT.exec(line);
  if (psql) return { kind: 'sql', text: psql[2] ?? '', ...(psql[1] === '=' ? {} : { continuation: true }) };
  for (const prompt of SHELL_PROMPTS) {
    const m = prompt.exec(line);
    if (m) return { kind: 'shell', text: m[1] ?? '' };
  }
  const host = HOST_PROMPT.exec(line);
  if (!host || !HOST_NAME.test(host[1]!)) return null;
  const text = host[3] ?? '';
  if (host[2] === '$') return { kind: 'shell', text };
  return isCommandText && (!text || isCommandText(text)) ? { kind: 'shell', text } : null;
}

export interface TranscriptCommand {
  kind: PromptKind;
  code: string;
  /** 0-based line in the transcript where the first command of this group was typed. */
  offset: number;
}

const PSQL_DISPLAY = /^\s*\\(x|timing|pset|a|t|H)(\s.*)?$/;

/** A psql statement is complete at `;`, and a backslash command at the end of its line. */
function endsStatement(line: string): boolean {
  const t = line.trim();
  return t.endsWith(';') || t.startsWith('\\') || /\\g\w*$/.test(t);
}

// What psql prints back: a header rule, `(3 rows)`, `-[ RECORD 1 ]`, notices, column separators.
const PSQL_OUTPUT = /^\s*(-+(\+-+)*|\(\d+ rows?\)|-\[ RECORD \d+ \]-*.*|(NOTICE|ERROR|WARNING|INFO|DETAIL|HINT|LINE \d+):.*)\s*$|\s\|\s/;

/**
 * The commands of a transcript, grouped by kind in order (consecutive commands of one kind join into
 * one action). Lines without a prompt are output unless the command before them is still open: a
 * backslash, a heredoc until its terminator, an open quote or block (bash's `> ` is dropped), or a
 * psql statement not ended by `;`. Empty when nothing is prompted.
 */
export interface TranscriptOptions {
  /** Read bare `# ` lines as root's prompt from the first line on. */
  rootPrompts?: boolean;
  /** Whether what follows a bare `# ` reads as a command; otherwise the line is a comment. */
  isCommandText?: (text: string) => boolean;
}

export function transcriptCommands(content: string, options: TranscriptOptions = {}): TranscriptCommand[] {
  const lines = content.split('\n');
  let rootShell = options.rootPrompts === true;
  const groups: Array<{ kind: PromptKind; lines: string[]; offset: number }> = [];
  let current: (typeof groups)[number] | undefined;
  let shell: ShellLineState = freshState();
  let shellOpen = false;
  let sqlOpen = false;
  lines.forEach((line, index) => {
    if (shellOpen && current?.kind === 'shell') {
      // bash shows `> ` before each line it reads to finish a command; it was not typed.
      const text = line.replace(/^\s*> ?/, '');
      current.lines.push(text);
      shell = feedLine(shell, text);
      shellOpen = isOpen(shell);
      return;
    }
    const rootMatch = rootShell ? ROOT_PROMPT.exec(line) : null;
    // `# exit` leaves the root shell; typed into one script it would end the script, so it is dropped.
    if (rootMatch && /^(exit|logout)\s*$/.test(rootMatch[1] ?? '')) {
      rootShell = options.rootPrompts === true;
      return;
    }
    const root = rootMatch && (!rootMatch[1] || !options.isCommandText || options.isCommandText(rootMatch[1])) ? rootMatch : null;
    const prompted: Prompted | null = root ? { kind: 'shell', text: root[1] ?? '' } : matchPrompt(line, options.isCommandText);
    if (!prompted) {
      if (sqlOpen && current?.kind === 'sql' && line.trim() && !PSQL_OUTPUT.test(line)) {
        current.lines.push(line);
        sqlOpen = !endsStatement(line);
      } else {
        sqlOpen = false;
      }
      return;
    }
    if (prompted.continuation) {
      if (current?.kind === 'sql') {
        current.lines.push(prompted.text);
        sqlOpen = !endsStatement(prompted.text);
      }
      return;
    }
    sqlOpen = false;
    if (!prompted.text.trim()) return;
    if (!current || current.kind !== prompted.kind) {
      current = { kind: prompted.kind, lines: [], offset: index };
      groups.push(current);
    }
    // psql's display switches change how results look, not what runs; the SQL runner has no use for them.
    if (prompted.kind === 'sql' && PSQL_DISPLAY.test(prompted.text)) return;
    current.lines.push(prompted.text);
    if (prompted.kind === 'shell') {
      shell = feedLine(freshState(), prompted.text);
      shellOpen = isOpen(shell);
      if (opensRootShell(prompted.text.trim())) rootShell = true;
    } else if (prompted.kind === 'sql') {
      sqlOpen = !endsStatement(prompted.text);
    }
  });
  return groups.map((g) => ({ kind: g.kind, code: g.lines.join('\n').replace(/\s+$/, ''), offset: g.offset }));
}
