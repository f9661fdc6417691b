// Which fenced blocks in a runbook are something to run, by info string and content: scripts,
// transcripts (only what was typed after a prompt), SQL, query languages; output, config and examples
// are not. Inline code is read in inline.ts; what a command, SQL or a query looks like is in
// commandShape.ts, sqlShape.ts and queryShape.ts. General rules rather than a list tuned to one file.

import { isCommand, isShellStart, looksLikeShellLine } from './commandShape.js';
import type { ActionKind } from './model.js';
import { queryActions } from './queryShape.js';
import { QUERY_FENCES } from './queryKinds.js';
import { feedLine, freshState, isOpen } from './shellLines.js';
import { isSql } from './sqlShape.js';
import { matchPrompt, transcriptCommands } from './transcript.js';

export { isCommand, isShellStart } from './commandShape.js';
export { classifyInline, inlineCode, isUrl } from './inline.js';
export { isSql } from './sqlShape.js';

// A script fence is run as written (minus a pasted transcript's output); a session fence is a
// transcript, and without a prompt it is only output.
const SCRIPT_INFO = new Set(['sh', 'bash', 'shell', 'zsh', 'ksh']);
const SESSION_INFO = new Set(['console', 'shell-session', 'shellsession', 'sh-session', 'bash-session', 'terminal']);
const SQL_INFO = new Set(['sql', 'psql', 'postgres', 'postgresql', 'pgsql', 'plpgsql', 'pgsql-session']);
const SUPABASE_INFO = new Set(['supabase']);


export interface FenceInfo {
  language: string;
  attrs: Record<string, string>;
}

/** ```sh {timeout=120 name="x"} or ```sh title=x → language and attributes. */
export function parseFenceInfo(info: string): FenceInfo {
  const trimmed = info.trim();
  if (!/[\s{=]/.test(trimmed)) return { language: trimmed.toLowerCase().replace(/^\./, ''), attrs: {} };
  const m = /^([^\s{]*)\s*(.*)$/s.exec(trimmed)!;
  const language = m[1]!.toLowerCase().replace(/^\./, '');
  const attrs: Record<string, string> = {};
  const rest = m[2]!.replace(/^\{|\}$/g, '');
  for (const a of rest.matchAll(/([A-Za-z_][\w-]*)\s*=\s*("([^"]*)"|'([^']*)'|[^\s,}]+)/g)) {
    attrs[a[1]!] = a[3] ?? a[4] ?? a[2]!;
  }
  return { language, attrs };
}

/**
 * The commands of a shell transcript: only prompted lines (with what finishes them: continuations,
 * heredocs, open quotes); everything else is expected output. Returns null when there is no prompt.
 */
export function promptedCommands(content: string): string | null {
  const shell = transcriptCommands(content).filter((c) => c.kind === 'shell');
  return shell.length ? shell.map((c) => c.code).join('\n') : null;
}

export interface FenceAction {
  kind: ActionKind;
  code: string;
}

const PROGRAM_SHAPED = /^[\w.~/+-]+(\s|$|=)/;

const readsAsCommand = (text: string) => isCommand(text) || isShellStart(text);

// PowerShell's Verb-Noun cmdlets (`Get-Service`, `Restart-Computer`) typed at `PS>`: bash cannot run them.
const CMDLET_LINE = /^\s*[A-Z][a-z]+-[A-Z][A-Za-z]*(\s|$)/;

function withoutCmdlets(code: string): string {
  return code.split('\n').filter((line) => !CMDLET_LINE.test(line)).join('\n');
}

/** The actions in a transcript; a shell command must at least start like a program name. */
function transcriptActions(content: string, rootPrompts = false): FenceAction[] {
  return transcriptCommands(content, { rootPrompts, isCommandText: readsAsCommand })
    .map((c) => (c.kind === 'shell' ? { ...c, code: withoutCmdlets(c.code) } : c))
    .filter((c) => c.kind !== 'shell' || (PROGRAM_SHAPED.test(c.code.trimStart()) && !/^\d/.test(c.code.trimStart())))
    .map((c) => ({ kind: c.kind, code: c.code }));
}

function hasPrompt(content: string): boolean {
  return /[$#>%]/.test(content) && content.split('\n').some((line) => matchPrompt(line, readsAsCommand) !== null);
}

/**
 * A transcript typed at root's bare `# ` prompt: some `# ` line holds a command and, unless the fence
 * says it is a session, the other lines are what came back (none reads as shell). A script's comments
 * sit among commands, so a script never reads this way.
 */
function isRootTranscript(lines: string[], session: boolean): boolean {
  if (!lines.some((line) => /^\s*#\s+\S/.test(line))) return false;
  let commands = 0;
  let output = 0;
  for (const line of lines) {
    const s = line.trim();
    if (!s) continue;
    const root = /^#(?:\s+(.*))?$/.exec(s);
    if (root) {
      if (root[1] && readsAsCommand(root[1])) commands++;
      // A transcript opens with what was typed; a file that opens with a comment is a file.
      else if (commands === 0 && output === 0 && !session) return false;
    } else if (looksLikeShellLine(s) || (!session && CONFIG_LINE.test(s))) return false;
    else output++;
  }
  return commands > 0 && (session || output > 0);
}

// `key: value`, `key = value`, `[section]`, `- item`, braces: a config file whose comment names a command.
const CONFIG_LINE = /^([\w."-]+\s*[:=](\s|$)|\[[\w .:"-]+\]$|- |[{}[\]],?$|<\/?[\w-]+[\s>])/;

/** What a fenced block is: actions with the code to run (usually one), none for output, config and examples. */
export function fenceActions(info: string, content: string): FenceAction[] {
  const { language } = parseFenceInfo(info);
  const body = content.replace(/\n+$/, '');
  if (!body.trim()) return [];
  if (SCRIPT_INFO.has(language)) {
    if (hasPrompt(body)) {
      const prompted = transcriptActions(body);
      if (prompted.length) return prompted;
    }
    // Log lines and aligned columns labelled as shell (`Oct 18 19:39:36 host chronyd[…]: …`, `NAME
    // READY STATUS`) are what a command printed.
    if (body.split('\n').every((line) => !line.trim() || isOutputLine(line.trim()))) return [];
    return [{ kind: 'shell', code: body }];
  }
  if (SESSION_INFO.has(language)) {
    if (hasPrompt(body)) return transcriptActions(body);
    if (isRootTranscript(body.split('\n'), true)) return transcriptActions(body, true);
    return queryActions(body);
  }
  if (SQL_INFO.has(language)) {
    if (hasPrompt(body)) {
      const prompted = transcriptActions(body).filter((a) => a.kind === 'sql');
      if (prompted.length) return prompted;
    }
    return [{ kind: 'sql', code: body }];
  }
  if (SUPABASE_INFO.has(language)) return [{ kind: 'supabase', code: body }];
  const query = QUERY_FENCES[language];
  if (query) {
    if (query === 'redis' && hasPrompt(body)) {
      const prompted = transcriptActions(body).filter((a) => a.kind === 'redis');
      if (prompted.length) return prompted;
    }
    return [{ kind: query, code: body }];
  }
  if (TEXT_INFO.has(language)) return queryActions(body);
  // ```sudo gitlab-redis-cli: the command that opens the session went into the info string; the
  // block is what was typed in it, read like an untyped one.
  if (language !== '' && !KNOWN_INFO.has(language) && isCommand(info.trim())) return untypedFenceActions(body);
  if (language !== '') return [];
  return untypedFenceActions(body);
}

/** An untyped fence: actions only when its content reads as a transcript, SQL or shell commands. */
function untypedFenceActions(body: string): FenceAction[] {
  if (hasPrompt(body)) {
    const prompted = transcriptActions(body);
    if (prompted.length) return prompted;
  }
  const lines = body.split('\n');
  if (isRootTranscript(lines, false)) return transcriptActions(body, true);
  if (isSql(body)) return [{ kind: 'sql', code: sqlBeforeOutput(body) }];
  const query = queryActions(body);
  if (query.length) return query;
  const first = lines.find((l) => l.trim() && !l.trim().startsWith('#'));
  if (first === undefined || !(isCommand(first) || isShellStart(first))) return [];
  return [{ kind: 'shell', code: commandsBeforeOutput(lines) }];
}

/** A line a program printed: a log line, or columns aligned with runs of spaces that no command has. */
function isOutputLine(s: string): boolean {
  return LOG_LINE.test(s) || (/\S {2,}\S/.test(s) && !looksLikeShellLine(s) && !/^#/.test(s));
}

// A line a program logged: ISO or syslog timestamp, klog's `E0219 01:25:20`, a clock time, logfmt's level.
const LOG_LINE = /^(\[?\d{4}-\d{2}-\d{2}[T _]\d|[A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2}\b|[IWEF]\d{4} \d{2}:\d{2}:\d{2}|\[?\d{2}:\d{2}:\d{2}[.,\]\s]|level=\w+ )/;

const TEXT_INFO = new Set(['text', 'txt', 'plaintext', 'plain']);
// Languages that are never a command in an info string, even where a program shares the name.
const KNOWN_INFO = new Set(['yaml', 'yml', 'json', 'toml', 'ini', 'xml', 'html', 'diff', 'patch', 'ruby', 'python', 'go', 'javascript', 'js', 'ts', 'typescript', 'hcl', 'dockerfile', 'make', 'makefile', 'nginx', 'apache', 'log', 'csv', 'markdown', 'md']);

/**
 * The commands of an untyped block, without the output pasted after them: the block is cut into
 * whole commands (continuations, heredocs and blocks kept together) and a command whose first line
 * does not read as shell is output.
 */
function commandsBeforeOutput(lines: string[]): string {
  const kept: string[] = [];
  let unit: string[] = [];
  let state = freshState();
  let keep = true;
  const flush = () => {
    if (keep) kept.push(...unit);
    unit = [];
  };
  for (const line of lines) {
    if (!isOpen(state)) {
      flush();
      keep = looksLikeShellLine(line);
      state = freshState();
    }
    unit.push(line);
    // Output is read line by line: an apostrophe in `doesn't` opens no quote.
    if (keep) state = feedLine(state, line);
  }
  flush();
  return kept.join('\n').replace(/\s+$/, '');
}

/** A query and the result table psql printed after it: only the query. */
function sqlBeforeOutput(body: string): string {
  const lines = body.split('\n');
  const rule = lines.findIndex((l, i) => i > 0 && /^\s*-+(\+-+)*\s*$|^\s*\(\d+ rows?\)\s*$|^\s*-\[ RECORD \d+ \]/.test(l));
  if (rule < 0) return body;
  const cut = /\S\s*\|\s*\S|^\s*\w+\s*$/.test(lines[rule - 1]!) && !/;\s*$/.test(lines[rule - 1]!) ? rule - 1 : rule;
  return lines.slice(0, cut).join('\n').replace(/\s+$/, '');
}

/** What a fenced block is: the first action in it, or null for output, config and examples. */
export function classifyFence(info: string, content: string): FenceAction | null {
  return fenceActions(info, content)[0] ?? null;
}
