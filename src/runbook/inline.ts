// What an inline code span is: a command, a SQL statement, a URL, or a query the sentence asks for;
// names, paths, flags and words in backticks stay text. Most spans decide alone; a few need the words
// of their sentence (`run \`reboot\``, `use \`sum(…)\``, `in \`gitlab-rails console\``).

import { allAfterFirst, commandWords, isCommand, PROGRAMS } from './commandShape.js';
import type { ActionKind } from './model.js';
import { queryActions } from './queryShape.js';
import { isSql } from './sqlShape.js';

const URL = /^https?:\/\/[^\s<>"'`]+$/i;
// A program and the word that opens its interactive console: `rails c`, `gitlab-rails console`, `psql`.
const OPENS_CONSOLE = /^(sudo\s+)?[\w.-]+\s+(c|console|shell|dbconsole|repl)$|^(sudo\s+(-u\s+\S+\s+)?)?(psql|mysql|redis-cli|mongosh?|gitlab-psql|gitlab-redis-cli)(\s+-[a-zA-Z]\s*\S+)*$/;

// The verbs of admin consoles (pgbouncer, HAProxy's socket, redis): `run \`show pools\`` is typed there.
const CONSOLE_VERBS = new Set('show set get select reload pause resume disable enable kill shutdown start stop info'.split(' '));

/**
 * A program we do not know, introduced by the sentence as something to run (`Run \`thanos tools bucket
 * retention\` to …`): a lowercase program name and at least two lowercase subcommands or arguments.
 * Two words (`show pools`, `frozen vacuum`) are too often a console's command or a name.
 */
function isIntroducedCommand(words: string[]): boolean {
  return (
    words.length >= 3 &&
    words.length <= 8 &&
    /^[a-z][\w.-]*$/.test(words[0]!) &&
    !PROGRAMS.has(words[0]!) &&
    !CONSOLE_VERBS.has(words[0]!) &&
    allAfterFirst(words, /^([a-z][\w.:/@=-]*|--?[A-Za-z][\w.=-]*|[\w.-]+\/[\w./-]*)$/)
  );
}

export function isUrl(text: string): boolean {
  return URL.test(text.trim());
}

// Programs that do their whole job with no argument: `run \`reboot\`` is a command, `the \`top\` view` a name.
const SOLO_COMMANDS = new Set('reboot poweroff uptime htop top df free dmesg ifconfig ps w who whoami id hostname lsblk lscpu nproc sync iostat vmstat'.split(' '));

// The sentence asks for the span to be run or queried: `Run \`…\``, `use \`sum(…)\``, `queried via \`…\``.
const RUN_INVITATION = /\b(run|running|execute|executing|issue)\s*$/i;
const QUERY_INVITATION = /\b(use|using|run|running|query|queried|querying|queries|execute|try|enter|paste)\b/i;

/**
 * What an inline code span is: an action kind, or null for a name, path or identifier. `sentence`
 * gives the text of the sentence before the span (other spans blanked), when known; it is asked for
 * only when the span alone does not decide.
 */
export function classifyInline(code: string, sentence: () => string = () => ''): ActionKind | null {
  const kind = classifySpan(code, sentence);
  // `Do not run \`kubectl delete ns prod\``, `Never use \`rm -rf …\``: a warning, never an action.
  return kind && kind !== 'url' && forbidden(sentence()) ? null : kind;
}

// A negation in the span's own clause (after the last comma, semicolon, colon or dash), emphasis removed.
const NEGATION = /\b(do\s+not|don'?t|never|avoid|avoiding|instead\s+of|rather\s+than|must\s+not|mustn'?t|should\s+not|shouldn'?t|cannot|can'?t|won'?t|refrain\s+from|not\s+(?:run|use|execute|type|enter)|no\s+need\s+to)\b/i;

// Prose as read for a negation: emphasis removed, curly apostrophes straightened, and the negations that
// ask for the action (`don't forget to`, `do not skip`) taken out.
function plainForNegation(text: string): string {
  return text.replace(/[*_~]+/g, '').replace(/[\u2019]/g, "'").replace(/\b(?:do\s+not|don'?t|never|not)\s+(?:forget|hesitate|skip|miss|neglect|fail)\b/gi, ' ');
}

function forbidden(before: string): boolean {
  const plain = plainForNegation(before).replace(/\bnot\s+only\b/gi, ' ');
  const clause = plain.slice(Math.max(plain.lastIndexOf(','), plain.lastIndexOf(';'), plain.lastIndexOf(':'), plain.lastIndexOf(' - '), plain.lastIndexOf('—')) + 1);
  return NEGATION.test(clause);
}

// `Do not run the following:` / `Never run these in production:` before a fenced block: the block is what
// not to do, shown for reference and never run.
const FORBIDS_RUNNING = /\b(?:do\s+not|don'?t|never|must\s+not|mustn'?t|should\s+not|shouldn'?t|avoid)\s+(?:\w+\s+){0,2}?(?:run|running|execute|executing|use|using|type|typing|paste|pasting|copy|copying)\b/i;

/** Whether the text just before a fenced block tells the reader not to run it (its last sentence). */
export function forbidsTheBlock(text: string): boolean {
  const sentences = plainForNegation(text).trim().split(/(?<=[.!?])\s+/);
  return FORBIDS_RUNNING.test(sentences[sentences.length - 1] ?? '');
}

function classifySpan(code: string, sentence: () => string): ActionKind | null {
  const text = code.trim();
  if (!text || text.includes('\n')) return null;
  if (isUrl(text)) return 'url';
  if (isSql(text)) return 'sql';
  // `$ kubectl get pods`: a command written with its prompt. `In \`gitlab-rails console\`, run:` names
  // the console the next block is typed into.
  if (isCommand(text)) return OPENS_CONSOLE.test(text) && /\b(in|inside|within|into|from)\s*(the\s*)?$/i.test(sentence()) ? null : 'shell';
  const words = commandWords(text);
  const introduced = isIntroducedCommand(words) || (words.length === 1 && SOLO_COMMANDS.has(words[0]!));
  const query = !text.startsWith('{{') && /[({]/.test(text) ? queryActions(text) : [];
  if (!introduced && !query.length) return null;
  const before = sentence();
  if (introduced && RUN_INVITATION.test(before)) return 'shell';
  // A PromQL or LogQL query in a sentence is shown as one only when the sentence asks for it to be
  // run; `fires when \`min_over_time(x[5m])\` is 0` describes the alert.
  if (query.length && QUERY_INVITATION.test(before)) return query[0]!.kind;
  return null;
}

/** The code an inline span runs: without a `$ ` prompt written before the command. */
export function inlineCode(code: string): string {
  return code.trim().replace(/^\$\s+/, '');
}
