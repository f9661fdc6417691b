// Shell judged command by command on the words bash will see. Every command in the code counts,
// nested ones too ($( ), backticks, <( ), bash -c, eval, find -exec, xargs, wrappers, aliases);
// SQL that psql will run (-c, -f, heredocs, here-strings, pipes) is judged as SQL.

import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { lexShell, type LexContext, type SimpleCommand, type Word } from './shellWords.js';
import { judgeSql } from './sqlJudge.js';
import {
  DANGEROUS_VARIABLES, INTERPRETERS, QUESTION_VERBS, READ_PROGRAMS, READ_VERBS, SHELLS, TASK_RUNNERS, WRAPPERS, WRITE_PROGRAMS, WRITE_VERBS,
} from './tiers.js';
import type { Finding } from './verdict.js';

let shParser: Promise<(text: string) => Promise<unknown>> | undefined;

/** mvdan/sh (sh-syntax, WASM), loaded on first use: the syntax check bash itself would fail. */
export function loadShellParser(): Promise<(text: string) => Promise<unknown>> {
  shParser ??= import('sh-syntax').then((m) => (text: string) => m.parse(text));
  return shParser;
}

export interface ShellJudgeOptions {
  cwd: string;
  vars: Record<string, string>;
}

const SAFE_TARGET = /^(\/dev\/(null|stdout|stderr|tty|fd\/\d+)|&?-|&?\d+)$/;
const MAX_DEPTH = 6;

function show(words: Word[], n = 3): string {
  return words.slice(0, n).map((w) => w.text).join(' ');
}

export async function judgeShell(code: string, options: ShellJudgeOptions, depth = 0): Promise<Finding[]> {
  const findings: Finding[] = [];
  if (depth > MAX_DEPTH) return [{ tier: 'write', reason: 'nests shells too deeply to be judged' }];
  try {
    const parse = await loadShellParser();
    await parse(code);
  } catch (error) {
    findings.push({ tier: 'write', reason: `cannot be parsed as bash (${String((error as Error).message).split('\n')[0]}), so it is not known to be read-only` });
  }
  const ctx: LexContext = { vars: new Map(Object.entries(options.vars)) };
  await judgeScript(code, ctx, options, depth, findings);
  return findings;
}

async function judgeScript(code: string, ctx: LexContext, options: ShellJudgeOptions, depth: number, findings: Finding[]): Promise<void> {
  const script = lexShell(code, ctx);
  for (const problem of script.problems) findings.push({ tier: 'write', reason: `cannot be read as bash (${problem})` });
  const called = new Set<string>();
  const functions: Functions = { bodies: script.functions, called };
  for (const command of script.commands) await judgeCommand(command, functions, ctx, options, depth, findings);
  // A function never called here still counts, as if called without arguments.
  for (const [name, body] of script.functions) if (!called.has(name)) await judgeCode(body, { vars: ctx.vars, positional: [] }, options, depth, findings);
}

interface Functions {
  bodies: Map<string, string>;
  called: Set<string>;
}

async function judgeCode(code: string, ctx: LexContext, options: ShellJudgeOptions, depth: number, findings: Finding[]): Promise<void> {
  if (depth >= MAX_DEPTH) {
    findings.push({ tier: 'write', reason: 'nests shells too deeply to be judged' });
    return;
  }
  await judgeScript(code, { vars: new Map(ctx.vars), ...(ctx.positional ? { positional: ctx.positional } : {}) }, options, depth + 1, findings);
}

/** What a pipe feeds into a command, when it can be known (echo/printf/cat of text). */
function pipedText(command: SimpleCommand): string | undefined {
  const from = command.pipedFrom;
  if (!from || !from.words.length) return undefined;
  const program = from.words[0]!.text;
  if (from.words.some((w) => w.dynamic)) return undefined;
  if (program === 'echo') return from.words.slice(1).filter((w, i) => !(i === 0 && /^-[neE]+$/.test(w.text))).map((w) => w.text).join(' ') + '\n';
  if (program === 'printf') return from.words.slice(1).map((w) => w.text).join(' ');
  if (program === 'cat' && from.words.length === 1) return from.redirects.find((r) => r.input !== undefined)?.input;
  return undefined;
}

function stdinOf(command: SimpleCommand): { text?: string; source: string } | undefined {
  const doc = command.redirects.find((r) => r.input !== undefined);
  if (doc) return { text: doc.input!, source: doc.op === '<<<' ? 'a here-string' : 'a heredoc' };
  const file = command.redirects.find((r) => r.op === '<');
  if (file) return { source: `the file ${file.target.text}` };
  if (command.pipedFrom) {
    const text = pipedText(command);
    return text !== undefined ? { text, source: 'a pipe' } : { source: `a pipe from ${show(command.pipedFrom.words, 2)}` };
  }
  return undefined;
}

async function judgeCommand(command: SimpleCommand, functions: Functions, ctx: LexContext, options: ShellJudgeOptions, depth: number, findings: Finding[]): Promise<void> {
  for (const code of command.nested) await judgeCode(code, ctx, options, depth, findings);
  for (const { name, value } of command.assigns) {
    if (DANGEROUS_VARIABLES[name]) findings.push({ tier: 'write', reason: `sets ${name}: it ${DANGEROUS_VARIABLES[name]}` });
    if (name === 'PATH') findings.push({ tier: 'unknown', reason: 'changes PATH, so the programs that run are not the ones named' });
    if (/transaction_read_only/i.test(value.text)) findings.push({ tier: 'write', reason: 'tries to turn read-only off' });
  }
  for (const redirect of command.redirects) {
    if (/>/.test(redirect.op) && !(redirect.op === '>&' && SAFE_TARGET.test(redirect.target.text)) && !SAFE_TARGET.test(redirect.target.text)) {
      findings.push({ tier: 'write', reason: `writes to the file ${redirect.target.text} (${redirect.fd ?? ''}${redirect.op})` });
    }
  }
  for (const word of command.words) {
    if (/\btransaction_read_only\b|\bPGOPTIONS\b/i.test(word.text)) findings.push({ tier: 'write', reason: 'tries to change PGOPTIONS or read-only' });
    if (/^-{1,2}(allow-writes|auto-approve)$/.test(word.text)) findings.push({ tier: 'write', reason: `passes ${word.text}, which lets it write without asking` });
  }
  if (command.words.length) await judgeWords(command.words, command, functions, ctx, options, depth, findings);
}

async function judgeWords(words: Word[], command: SimpleCommand, functions: Functions, ctx: LexContext, options: ShellJudgeOptions, depth: number, findings: Finding[]): Promise<void> {
  const first = words[0]!;
  // `[` alone is the test builtin, not a glob: a glob needs its closing `]` in the same word.
  if (first.dynamic || (first.pattern && first.text !== '[')) {
    findings.push({ tier: 'write', reason: `runs a program whose name is computed when it runs (${first.text})` });
    return;
  }
  const program = first.text.replace(/^.*\//, '');
  const args = words.slice(1);
  const texts = args.map((w) => w.text);
  const write = (reason: string, destructive = false): void => void findings.push({ tier: 'write', reason, ...(destructive ? { destructive } : {}) });
  const unknown = (reason: string): void => void findings.push({ tier: 'unknown', reason });
  const sub = async (rest: Word[]) => {
    if (!rest.length) return;
    // `watch 'rm -rf x'`, `flock l -c '…'`: a first word with spaces is code for sh -c.
    if (/\s/.test(rest[0]!.text.trim())) return judgeCode(rest.map((w) => w.text).join(' '), ctx, options, depth, findings);
    await judgeWords(rest, { ...command, pipedFrom: command.pipedFrom }, functions, ctx, options, depth + 1, findings);
  };

  const body = functions.bodies.get(program);
  if (body !== undefined) {
    // A function runs its body with these arguments as $1…, "$@".
    functions.called.add(program);
    return judgeCode(body, { vars: ctx.vars, positional: texts }, options, depth, findings);
  }
  if (program === 'eval') return judgeCode(texts.join(' '), ctx, options, depth, findings);
  if (program === 'alias') {
    for (const text of texts) {
      const at = text.indexOf('=');
      if (at > 0) await judgeCode(text.slice(at + 1), ctx, options, depth, findings);
    }
    return;
  }
  if (program === 'trap' && texts[0] && !texts[0].startsWith('-')) return judgeCode(texts[0], ctx, options, depth, findings);
  if (program === 'source' || program === '.') return judgeScriptFile(args[0], ctx, options, depth, findings, 'write');
  if (program === 'command' && /^-[vV]$/.test(texts[0] ?? '')) return;
  if (program === 'unset' && texts.includes('PGOPTIONS')) return write('unsets PGOPTIONS, which keeps psql read-only');
  if (program === 'export' || program === 'declare' || program === 'local' || program === 'readonly' || program === 'typeset') {
    for (const text of texts) {
      const name = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(text)?.[1];
      if (name && DANGEROUS_VARIABLES[name]) write(`sets ${name}: it ${DANGEROUS_VARIABLES[name]}`);
      if (name === 'PATH') unknown('changes PATH, so the programs that run are not the ones named');
      if (name) ctx.vars.set(name, text.slice(name.length + 1));
    }
    return;
  }
  if (SHELLS.has(program)) return judgeShellProgram(program, args, command, ctx, options, depth, findings);
  if (program === 'env') {
    let k = 0;
    for (; k < args.length; k++) {
      const t = args[k]!.text;
      if (t === '-i' || t === '--ignore-environment' || ((t === '-u' || t === '--unset') && args[k + 1]?.text === 'PGOPTIONS')) write('runs without PGOPTIONS, which keeps psql read-only');
      if (t === '-S' || t === '--split-string' || t.startsWith('--split-string=') || /^-S./.test(t)) {
        const split = t.startsWith('--split-string=') ? t.slice(15) : t.length > 2 && t.startsWith('-S') ? t.slice(2) : args[++k]?.text ?? '';
        return judgeCode([split, ...args.slice(k + 1).map((w) => w.text)].join(' '), ctx, options, depth, findings);
      }
      if (WRAPPERS.env!.valueOptions.includes(t)) k++;
      else if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(t)) {
        const name = t.slice(0, t.indexOf('='));
        if (DANGEROUS_VARIABLES[name]) write(`sets ${name}: it ${DANGEROUS_VARIABLES[name]}`);
      } else if (!t.startsWith('-')) break;
    }
    return sub(args.slice(k));
  }
  const wrapper = WRAPPERS[program];
  if (wrapper) {
    const wrapperWrite = (program === 'strace' || program === 'ltrace' || program === 'time') && readProgramWrites('strace', texts.slice(0, texts.findIndex((t) => !t.startsWith('-')) >>> 0));
    if (wrapperWrite) findings.push({ tier: 'write', reason: wrapperWrite.replace('strace', program) });
    let k = 0;
    let positionals = wrapper.positionals ?? 0;
    for (; k < args.length; k++) {
      const t = args[k]!.text;
      if (t === '--') {
        k++;
        break;
      }
      if (wrapper.valueOptions.includes(t)) k++;
      else if (t.startsWith('-') && t.length > 1) continue;
      else if (positionals > 0) positionals--;
      else break;
    }
    const rest = args.slice(k);
    if (program === 'xargs') {
      return rest.length ? sub(rest) : undefined;
    }
    if (!rest.length) return;
    return sub(rest);
  }
  if (program === 'git' && texts.some((t) => t === '-c' || t.startsWith('--config-env') || t === '--exec-path' || /^--upload-pack|^--receive-pack/.test(t))) return write('runs git with configuration that can run commands (git -c)');
  if (program === 'find') return judgeFind(args, command, functions, ctx, options, depth, findings);
  if (program === 'psql') return judgePsql(args, command, ctx, options, depth, findings);
  if (program === 'curl' && readProgramWrites(program, texts)) return write(readProgramWrites(program, texts)!);
  if (program === 'curl' || program === 'wget' || program === 'http') return judgeHttp(program, texts, findings);
  const inline = INTERPRETERS[program];
  if (inline) {
    if (texts.some((t) => inline.test(t))) return write(`runs ${program} with inline code, which is not judged`);
    // The script's own arguments are judged like a CLI's: `node tool.js delete …` writes.
    const script = positionalsOf(args);
    const verb = script.slice(1, 4).map((w) => w.text.toLowerCase()).find((t) => WRITE_VERBS.has(t));
    if (verb) return write(`runs ${[program, ...texts].slice(0, 2).join(' ')} ${verb}, a writing subcommand`);
    return unknown(`runs ${[program, ...texts].slice(0, 3).join(' ')}, a script that is not judged`);
  }
  const writes = WRITE_PROGRAMS[program];
  if (writes) {
    if (program === 'dd' && !texts.some((t) => t.startsWith('of='))) return;
    return write(`runs ${[program, ...texts].slice(0, 3).join(' ')}, which ${writes}`, ['rm', 'shred', 'truncate', 'dd', 'mkfs', 'wipefs', 'dropdb'].includes(program));
  }
  if (program === 'sed' && texts.some((t) => /^(-i|--in-place)/.test(t) || /^-[a-zA-Z]*i/.test(t))) return write('runs sed -i, which changes files in place');
  if (program === 'sed' && texts.some((t) => /(^|[;}\n])\s*[0-9,$]*\s*[we]\b|\/[gpIi0-9]*w\s/.test(t))) return write('runs sed with a w or e command, which writes files or runs commands');
  if (program === 'sort' && texts.some((t) => /^(-o|--output)/.test(t))) return write('runs sort -o, which writes a file');
  if ((program === 'awk' || program === 'gawk' || program === 'mawk') && texts.some((t) => /system\s*\(|\|\s*"|>\s*"|getline|print[^;]*>/.test(t))) return write(`runs ${program} with a program that runs commands or writes files`);
  if (program === 'journalctl' && texts.some((t) => /^--(vacuum|rotate|flush|sync|relinquish)/.test(t))) return write('runs journalctl maintenance, which deletes or moves logs');
  if (program === 'pg_dump' || program === 'pg_dumpall') {
    if (texts.some((t) => /^(-f|--file)/.test(t))) return write(`runs ${program} -f, which writes a file`);
    return;
  }
  if (program === 'set' || program === 'shopt') return;
  const optionWrite = readProgramWrites(program, texts);
  if (optionWrite) return write(optionWrite);
  if (READ_PROGRAMS.has(program)) return;
  return judgeCli(program, args, findings, first.text);
}

/** What a read program does with these arguments when they make it change something, or undefined. */
function readProgramWrites(program: string, texts: string[]): string | undefined {
  const positionals = texts.filter((t) => !t.startsWith('-'));
  switch (program) {
    case 'ip': {
      // `ip link set …`, `ip addr del …`, `ip route flush …`; `ip -batch FILE` runs what the file holds.
      const verb = texts.find((t) => /^(add|del|delete|set|flush|change|replace|append|prepend|exec|attach|detach|restore|save)$/.test(t));
      if (verb) return `runs ip … ${verb}, which changes the network configuration`;
      if (texts.some((t) => /^-(b|batch|force)$/.test(t))) return 'runs ip with commands from a file, which are not judged';
      return undefined;
    }
    case 'ifconfig':
      return positionals.length > 1 ? 'runs ifconfig with settings, which changes an interface' : undefined;
    case 'hostname':
      return positionals.length || texts.some((t) => /^(-F|--file|-b|--boot)$/.test(t)) ? 'runs hostname with a name, which renames the machine' : undefined;
    case 'date': {
      // A word that is neither a +FORMAT nor an option's value (-d, -r, -f, -I…) is a time to set.
      const free = texts.filter((t, k) => !t.startsWith('-') && !/^(-[a-zA-Z]*[drf]|--date|--reference|--file)$/.test(texts[k - 1] ?? ''));
      return texts.some((t) => /^(-s|--set)/.test(t) || /^-[uR]+s$/.test(t)) || free.some((t) => !t.startsWith('+')) ? "runs date with a time to set, which changes the machine's clock" : undefined;
    }
    case 'gunzip':
      // With no file (or `-`) it reads standard input and writes standard output.
      if (!positionals.some((t) => t !== '-')) return undefined;
      return texts.some((t) => /^(-[a-zA-Z]*[ctl]|--stdout|--to-stdout|--test|--list)$/.test(t)) ? undefined : 'runs gunzip, which replaces the archive with the file';
    case 'yq':
      return texts.some((t) => /^(-[a-zA-Z]*i|--inplace)$/.test(t)) ? 'runs yq -i, which changes files in place' : undefined;
    case 'git':
      return texts.some((t) => /^--output(=|$)/.test(t)) ? 'runs git with --output, which writes a file' : undefined;
    case 'openssl':
      return texts.some((t) => /^-(out|keyout|certout)$/.test(t)) ? 'runs openssl with -out, which writes a file' : undefined;
    case 'awk':
    case 'gawk':
    case 'mawk':
      if (texts.some((t) => /^(-[a-zA-Z]*i|--include|-[a-zA-Z]*l|--load)$/.test(t) || t === 'inplace')) return `runs ${program} with an extension (-i inplace, -l), which can change files`;
      return texts.some((t) => /^(-[a-zA-Z]*f|--file|-E|--exec)$/.test(t)) ? `runs ${program} with a program from a file, which is not judged` : undefined;
    case 'curl':
    case 'sort':
      if (program === 'sort') return texts.some((t) => t.startsWith('--compress-program')) ? 'runs sort --compress-program, which runs another program' : undefined;
      if (texts.some((t) => /^(-K|--config)(=|$)/.test(t) || /^-[a-zA-Z]*K$/.test(t))) return 'runs curl with options from a file, which are not judged';
      return texts.some((t) => /^--(trace|trace-ascii|stderr|libcurl|etag-save|hsts|alt-svc|output-dir)(=|$)/.test(t)) ? 'runs curl with an option that writes a file' : undefined;
    case 'strace':
    case 'ltrace':
      return texts.some((t) => /^(-o|--output)(=|$)/.test(t)) ? `runs ${program} -o, which writes a file` : undefined;
    default:
      return undefined;
  }
}

/** Non-option words; a computed word right after an option is taken as that option's value. */
function positionalsOf(args: Word[]): Word[] {
  const out: Word[] = [];
  for (const [k, arg] of args.entries()) {
    if (arg.text === '--') break;
    if (arg.text.startsWith('-') && !arg.dynamic) continue;
    // (a variable only: a command substitution could print anything, a verb too).
    const substitution = /\$\(|`/.test(arg.text);
    if (arg.dynamic && !substitution && k > 0 && args[k - 1]!.text.startsWith('-') && !args[k - 1]!.text.includes('=')) continue;
    out.push(arg);
  }
  return out;
}

/** Whether bash could expand a glob or brace pattern into a writing verb. */
function patternMatchesVerb(pattern: string): boolean {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else if (c === '{') source += '(';
    else if (c === '}') source += ')';
    else if (c === ',') source += '|';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) source += '\\[';
      else {
        source += `[${pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else source += c.replace(/[.+^$()|\\]/g, '\\$&');
  }
  try {
    const re = new RegExp(`^(?:${source})$`, 'i');
    return [...WRITE_VERBS].some((verb) => re.test(verb));
  } catch {
    return true;
  }
}

function judgeCli(program: string, args: Word[], findings: Finding[], written = program): void {
  const positionals = positionalsOf(args);
  const head = positionals.slice(0, 4);
  if (TASK_RUNNERS.has(program)) {
    const parts = head.flatMap((w) => w.text.toLowerCase().split(/[:_/.\s-]+/));
    const verb = parts.find((p) => WRITE_VERBS.has(p) && p !== 'run' && p !== 'exec');
    if (verb) return void findings.push({ tier: 'write', reason: `runs ${program} ${show(head, 3)}, a ${verb} task` });
    if (parts.some((p) => READ_VERBS.has(p))) return;
    return void findings.push({ tier: 'unknown', reason: `runs ${program} ${show(head, 3)}, which is not known to be read-only` });
  }
  let afterReadVerb = false;
  for (const [index, word] of head.entries()) {
    if (word.pattern && patternMatchesVerb(word.pattern)) return void findings.push({ tier: 'write', reason: `runs ${program} with a subcommand pattern that can expand to a writing verb (${word.text})` });
    // After `get`/`logs`/… a computed word names a resource; before, it may be the verb itself.
    if (word.dynamic && afterReadVerb) continue;
    if (READ_VERBS.has(word.text.toLowerCase())) afterReadVerb = true;
    if (word.dynamic) return void findings.push({ tier: 'write', reason: `runs ${program} with a subcommand computed when it runs (${word.text})` });
    const text = word.text.toLowerCase().trim();
    if (QUESTION_VERBS.has(text)) return;
    // `aws ec2 terminate-instances`, `mysql -e "DELETE FROM t"`: the verb leads a hyphenated or spaced word.
    const lead = /\s/.test(text) ? text.split(/\s+/)[0]! : index < 2 ? text.split('-')[0]! : text;
    const verb = WRITE_VERBS.has(text) ? text : lead;
    if (WRITE_VERBS.has(verb)) return void findings.push({ tier: 'write', reason: `runs ${program} ${verb}, a writing subcommand`, ...(/delete|destroy|drop|purge|rm|uninstall|terminate|wipe|nuke/.test(verb) ? { destructive: true } : {}) });
  }
  if (head.some((w) => READ_VERBS.has(w.text.toLowerCase()))) return;
  findings.push({ tier: 'unknown', reason: `runs ${[written, ...head.map((w) => w.text)].slice(0, 3).join(' ')}, which is not known to be read-only` });
}

function judgeHttp(program: string, texts: string[], findings: Finding[]): void {
  for (let k = 0; k < texts.length; k++) {
    const t = texts[k]!;
    if (program === 'curl' && /^-[a-zA-Z]+$/.test(t)) {
      // Bundled short options: -sSfX POST, -sd '{}', -sO.
      const letters = t.slice(1);
      const x = letters.indexOf('X');
      if (x >= 0) {
        const m = (letters.slice(x + 1) || texts[k + 1] || '').toUpperCase();
        if (m && m !== 'GET' && m !== 'HEAD' && m !== 'OPTIONS') findings.push({ tier: 'write', reason: `sends an HTTP ${m} request` });
        continue;
      }
      if (/[dFT]/.test(letters)) findings.push({ tier: 'write', reason: `sends data with curl (${t})` });
      if (/[oOcD]/.test(letters) && texts[k + 1] !== '-') findings.push({ tier: 'write', reason: `writes a file with curl ${t}` });
      continue;
    }
    const method = /^(?:-X|--request)=?(.*)$/.exec(t);
    if (method) {
      const m = (method[1] || texts[k + 1] || '').toUpperCase();
      if (m && m !== 'GET' && m !== 'HEAD' && m !== 'OPTIONS') findings.push({ tier: 'write', reason: `sends an HTTP ${m} request` });
    }
    if (/^(-d|--data|--data-\w+|-F|--form|-T|--upload-file|--json|--post-data|--post-file|--method|--body-data)/.test(t)) findings.push({ tier: 'write', reason: `sends data with ${program} (${t.split('=')[0]})` });
    if (program === 'curl' && /^(-o|--output|-O|--remote-name|-c|--cookie-jar|-D|--dump-header)/.test(t) && texts[k + 1] !== '-') findings.push({ tier: 'write', reason: `writes a file with curl ${t}` });
  }
  const toStdout = texts.some((t, k) => /^-[a-zA-Z]*O-$/.test(t) || t === '--spider' || t === '--output-document=-' || (/^-[a-zA-Z]*O$/.test(t) && (texts[k + 1] === '-' || texts[k + 1] === '/dev/null')));
  if (program === 'wget' && !toStdout) findings.push({ tier: 'write', reason: 'runs wget, which saves a file' });
  if (program === 'http' && texts.some((t) => /^(POST|PUT|PATCH|DELETE)$/i.test(t))) findings.push({ tier: 'write', reason: 'sends a changing HTTP request' });
}

async function judgeShellProgram(program: string, args: Word[], command: SimpleCommand, ctx: LexContext, options: ShellJudgeOptions, depth: number, findings: Finding[]): Promise<void> {
  const texts = args.map((w) => w.text);
  const c = texts.findIndex((t) => /^-[a-zA-Z]*c[a-zA-Z]*$/.test(t) || t === '--command');
  if (c >= 0) {
    const code = args[c + 1];
    // No code here, or xargs/find's {}: the code arrives when it runs.
    if (!code || code.dynamic || /^\s*\{\}\s*$/.test(code.text)) return void findings.push({ tier: 'write', reason: `runs ${program} -c with code supplied when it runs` });
    return judgeCode(code.text, ctx, options, depth, findings);
  }
  const script = args.find((w) => !w.text.startsWith('-'));
  if (script && program !== 'su') return judgeScriptFile(script, ctx, options, depth, findings, 'unknown');
  const stdin = stdinOf(command);
  if (stdin?.text !== undefined) return judgeCode(stdin.text, ctx, options, depth, findings);
  if (stdin) return void findings.push({ tier: 'write', reason: `runs shell code from ${stdin.source}, which cannot be judged` });
}

/** A regular file's text (at most 1 MiB), never a device or pipe such as /dev/stdin. */
function readRegularFile(path: string): string | undefined {
  try {
    const stat = statSync(path);
    if (!stat.isFile() || stat.size > 1 << 20) return undefined;
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** A script file is judged by its text when it can be read now; otherwise it is not known. */
async function judgeScriptFile(file: Word | undefined, ctx: LexContext, options: ShellJudgeOptions, depth: number, findings: Finding[], unreadable: 'write' | 'unknown'): Promise<void> {
  if (!file) return;
  const path = isAbsolute(file.text) ? file.text : resolve(options.cwd, file.text);
  const text = file.dynamic ? undefined : readRegularFile(path);
  if (text !== undefined) return judgeCode(text, ctx, options, depth, findings);
  findings.push({ tier: file.dynamic ? 'write' : unreadable, reason: `runs the script ${file.text}, which cannot be read to judge it` });
}

async function judgeFind(args: Word[], command: SimpleCommand, functions: Functions, ctx: LexContext, options: ShellJudgeOptions, depth: number, findings: Finding[]): Promise<void> {
  for (let k = 0; k < args.length; k++) {
    const t = args[k]!.text;
    if (t === '-delete') findings.push({ tier: 'write', reason: 'runs find -delete, which deletes files', destructive: true });
    if (/^-f(print|print0|printf|ls)$/.test(t)) findings.push({ tier: 'write', reason: `runs find ${t}, which writes a file` });
    if (/^-(exec|execdir|ok|okdir)$/.test(t)) {
      const end = args.findIndex((w, i) => i > k && (w.text === ';' || w.text === '+'));
      const inner = args.slice(k + 1, end < 0 ? args.length : end);
      if (inner.length) await judgeWords(inner, { ...command, pipedFrom: undefined, redirects: [] } as SimpleCommand, functions, ctx, options, depth + 1, findings);
      k = end < 0 ? args.length : end;
    }
  }
}

// ---- psql ---------------------------------------------------------------------------------------

const PSQL_VALUE_OPTIONS = new Set(['-d', '--dbname', '-h', '--host', '-p', '--port', '-U', '--username', '-v', '--set', '--variable', '-P', '--pset', '-F', '--field-separator', '-R', '--record-separator', '-T', '--table-attr']);
const READ_META = /^(d\S*|l\+?|list|x|timing|pset|echo|qecho|warn|conninfo|\?|h|help|q|quit|set|unset|t|a|H|html|C|f|encoding|g|gx|gset|gdesc|watch|if|elif|else|endif|p|print|r|reset|errverbose|s|sf|sv|z|bind|crosstabview|getenv|prompt|copyright|T)$/;

function psqlMeta(line: string): Finding | undefined {
  const m = /^\\(\S*?)(?=\s|$|\\)(.*)$/s.exec(line);
  const name = m?.[1] ?? '';
  const rest = (m?.[2] ?? '').trim();
  if ((name === 'g' || name === 'gx') && rest) return { tier: 'write', reason: `sends query output to ${rest} (psql \\${name})` };
  if (name === 'copy') return /\bfrom\b/i.test(rest) || !/\bto\s+(stdout|pstdout)\b/i.test(rest) ? { tier: 'write', reason: 'copies between a file and a table (psql \\copy)' } : undefined;
  if (READ_META.test(name)) return undefined;
  if (name === '!') return { tier: 'write', reason: 'runs a shell command from psql (\\!)' };
  return { tier: 'write', reason: `uses the psql command \\${name}, which is not known to be read-only` };
}

/** Split a psql script into SQL and backslash commands (outside quotes and comments). */
function splitPsql(script: string): { sql: string; metas: string[] } {
  let sql = '';
  const metas: string[] = [];
  let i = 0;
  while (i < script.length) {
    const c = script[i]!;
    if (c === "'" || c === '"') {
      const end = script.indexOf(c, i + 1);
      const stop = end < 0 ? script.length : end + 1;
      sql += script.slice(i, stop);
      i = stop;
    } else if (c === '-' && script[i + 1] === '-') {
      const end = script.indexOf('\n', i);
      i = end < 0 ? script.length : end;
    } else if (c === '$' && /^\$([A-Za-z_]\w*)?\$/.test(script.slice(i))) {
      const tag = /^\$([A-Za-z_]\w*)?\$/.exec(script.slice(i))![0];
      const end = script.indexOf(tag, i + tag.length);
      const stop = end < 0 ? script.length : end + tag.length;
      sql += script.slice(i, stop);
      i = stop;
    } else if (c === '\\') {
      const nl = script.indexOf('\n', i);
      let end = nl < 0 ? script.length : nl;
      const next = script.indexOf('\\\\', i + 1);
      if (next >= 0 && next < end) end = next;
      metas.push(script.slice(i, end));
      sql += ';';
      i = end === next ? end + 2 : end;
    } else {
      sql += c;
      i++;
    }
  }
  return { sql, metas };
}

async function judgePsqlScript(script: string, source: string, findings: Finding[]): Promise<void> {
  const { sql, metas } = splitPsql(script);
  for (const meta of metas) {
    const finding = psqlMeta(meta);
    if (finding) findings.push(finding);
  }
  if (sql.replace(/[;\s]/g, '')) {
    const judged = await judgeSql(sql);
    for (const f of judged.findings) findings.push({ ...f, reason: `${f.reason} (SQL given to psql ${source})` });
  }
}

async function judgePsql(args: Word[], command: SimpleCommand, ctx: LexContext, options: ShellJudgeOptions, depth: number, findings: Finding[]): Promise<void> {
  let sawInput = false;
  for (let k = 0; k < args.length; k++) {
    const word = args[k]!;
    const t = word.text;
    let decoded = t;
    try {
      decoded = decodeURIComponent(t);
    } catch {
      // Not URL-encoded.
    }
    if (/options\s*=|transaction_read_only|service\s*=|servicefile/i.test(decoded)) findings.push({ tier: 'write', reason: 'overrides connection options, which keep psql read-only' });
    const long = /^--(command|file|output|log-file)=(.*)$/s.exec(t);
    let option: string | undefined;
    let value: Word | undefined;
    if (long) {
      option = long[1] === 'command' ? 'c' : long[1] === 'file' ? 'f' : 'o';
      value = { text: long[2]!, dynamic: word.dynamic };
    } else if (t === '--command' || t === '--file' || t === '--output' || t === '--log-file') {
      option = t === '--command' ? 'c' : t === '--file' ? 'f' : 'o';
      value = args[++k];
    } else if (PSQL_VALUE_OPTIONS.has(t)) {
      k++;
      continue;
    } else if (/^-[A-Za-z]+/.test(t) && !t.startsWith('--')) {
      // Bundled short options: -Xc, -qAtc "…", -c"…", -f file.
      const flags = t.slice(1);
      const at = flags.search(/[cfoLdhpUvPFRT]/);
      if (at >= 0) {
        const letter = flags[at]!;
        const attached = flags.slice(at + 1);
        const v = attached ? { text: attached, dynamic: word.dynamic } : args[++k];
        if (letter === 'c' || letter === 'f' || letter === 'o' || letter === 'L') {
          option = letter === 'L' ? 'o' : letter;
          value = v;
        } else continue;
      }
    }
    if (!option) continue;
    if (option === 'o') {
      findings.push({ tier: 'write', reason: `writes psql output to the file ${value?.text ?? ''}` });
      continue;
    }
    sawInput = true;
    if (!value || value.dynamic) {
      findings.push({ tier: 'write', reason: `gives psql SQL that is computed when it runs` });
      continue;
    }
    if (option === 'c') await judgePsqlScript(value.text, 'with -c', findings);
    else {
      const path = isAbsolute(value.text) ? value.text : resolve(options.cwd, value.text);
      const text = readRegularFile(path);
      if (value.text === '-' || value.text === '/dev/stdin' || value.text === '/proc/self/fd/0') sawInput = false;
      else if (text !== undefined) await judgePsqlScript(text, `from ${value.text}`, findings);
      else findings.push({ tier: 'write', reason: `runs the SQL file ${value.text}, which cannot be read to judge it` });
    }
  }
  if (sawInput) return;
  const stdin = stdinOf(command);
  if (stdin?.text !== undefined) return judgePsqlScript(stdin.text, `through ${stdin.source}`, findings);
  if (stdin && /^the file /.test(stdin.source)) {
    const file = stdin.source.slice('the file '.length);
    const text = readRegularFile(isAbsolute(file) ? file : resolve(options.cwd, file));
    if (text !== undefined) return judgePsqlScript(text, `from ${file}`, findings);
  }
  if (stdin) findings.push({ tier: 'write', reason: `gives psql SQL from ${stdin.source}, which cannot be judged` });
}
