// Which code in a runbook is something to run: fenced blocks by info string, inline code by content.
// General rules rather than a list tuned to one file: a command is a known program (or a ./script)
// followed by arguments; SQL is a statement keyword followed by the shape of that statement.

import type { ActionKind } from './model.js';
import { QUERY_FENCES } from './queryKinds.js';
import { feedLine, freshState, isOpen } from './shellLines.js';
import { matchPrompt, transcriptCommands } from './transcript.js';

// A script fence is run as written (minus a pasted transcript's output); a session fence is a
// transcript, and without a prompt it is only output.
const SCRIPT_INFO = new Set(['sh', 'bash', 'shell', 'zsh', 'ksh']);
const SESSION_INFO = new Set(['console', 'shell-session', 'shellsession', 'sh-session', 'bash-session', 'terminal']);
const SQL_INFO = new Set(['sql', 'psql', 'postgres', 'postgresql', 'pgsql', 'plpgsql', 'pgsql-session']);
const SUPABASE_INFO = new Set(['supabase']);

// Programs an operator runs from a runbook. A bare program name with no arguments is a name, not a command.
const PROGRAMS = new Set(
  `npm npx yarn pnpm bun node deno python python3 pip pip3 poetry uv ruby bundle rake go cargo make just
  supabase psql pg_dump pg_dumpall pg_restore pg_basebackup pg_ctl pg_isready pgbench createdb dropdb vacuumdb reindexdb
  mysql mysqldump redis-cli mongo mongosh mongodump mongorestore sqlite3 clickhouse-client cqlsh
  kubectl k9s helm kustomize oc minikube kind istioctl linkerd argocd flux stern etcdctl virtctl velero eksctl kubectx kubens crane skopeo
  patronictl pg_controldata pg_waldump pg_resetwal pg_upgrade pg_repack pgbouncer wal-g wal-e repmgr pg_ctlcluster
  gitlab-ctl gitlab-rake gitlab-rails knife chef-client salt salt-call puppet nodetool rabbitmqctl rabbitmq-diagnostics kafka-topics kafka-consumer-groups
  openstack rclone restic borg gpg ssh-keygen ssh-add nmcli resolvectl timedatectl hostnamectl loginctl mount umount lsblk blkid fdisk parted mkfs xfs_growfs resize2fs
  docker docker-compose podman nerdctl crictl ctr
  terraform terragrunt tofu pulumi ansible ansible-playbook packer vault consul nomad
  aws gcloud gsutil bq az doctl heroku fly flyctl vercel netlify wrangler firebase
  curl wget http httpie grpcurl nc netcat telnet dig nslookup host ping traceroute mtr ss netstat ip ifconfig iptables nft tcpdump openssl
  ssh scp rsync sftp git gh hub
  systemctl journalctl service sudo su kill pkill killall ps top htop free df du lsof strace uptime dmesg vmstat iostat
  apt apt-get apt-cache dpkg yum dnf rpm zypper apk snap sysctl ulimit mdadm smartctl ipmitool lvs pvs vgs lvextend lvcreate zpool zfs
  ceph rbd rados firewall-cmd ufw logrotate socat tmux screen jcmd jstack jmap haproxy gitlab-psql gitlab-redis-cli gitlab-backup s3cmd mc tsh
  cat less more head tail grep egrep rg awk sed sort uniq wc cut tr xargs find ls cp mv rm mkdir chmod chown ln touch tar gzip gunzip zcat jq yq
  echo printf export source cd env watch timeout date sleep crontab at tee bash sh zsh
  nginx apachectl certbot sentry-cli datadog-agent promtool amtool logcli`.split(/\s+/),
);

// Programs whose names are also everyday words (`free tier`, `sort order`, `make sure`): a command only
// when an argument looks like shell (a flag, a path, a quote, a pipe, a number, a variable).
const WORD_PROGRAMS = new Set(
  `at free find host less more kill sort head tail cut watch touch service top date sleep source export cd echo env tee cat
  http fly go make just kind bundle flux stern hub vault consul nomad packer timeout ping dig ip at bash sh zsh node deno bun screen mc`.split(/\s+/),
);
const NEEDS_OPERAND = new Set(
  `rm mv cp ln chmod chown chgrp kill pkill killall mkdir rmdir touch grep egrep rg sed awk tar scp rsync ssh sftp cat less more
  head tail tee xargs source cd unzip gunzip gzip zcat dd shred truncate`.split(/\s+/),
);
// Tools driven by subcommands, with the subcommands that do something useful with no argument.
const COMPLETE_SUBCOMMANDS: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  Object.entries({
    kubectl: 'version cluster-info api-resources api-versions',
    oc: 'whoami version cluster-info projects project status api-resources api-versions',
    helm: 'list ls version env',
    docker: 'ps images info version stats',
    podman: 'ps images info version stats',
    git: 'status log diff fetch pull branch stash',
  }).map(([tool, subcommands]) => [tool, new Set(subcommands.split(' '))]),
);
const SHELLISH_ARGUMENT = /[-/.=|$*'"~:@0-9<>&;]/;
// What makes an everyday-word program a command without a shellish argument: its own subcommands.
const WORD_PROGRAM_FORMS: ReadonlyMap<string, RegExp> = new Map([
  ['service', /^[\w@.-]+ (start|stop|restart|reload|force-reload|try-restart|status)$/],
  ['ip', /^(-[a-z0-9]+ )*(a|addr|r|route|link|neigh|rule|netns|maddr)( (show|list|ls))?( [\w.-]+)*$/],
  ['vault', /^(status|login|read|write|list|kv|operator|token|secrets|auth|policy)( [\w/.-]+)*$/],
  ['consul', /^(members|info|kv|maint|catalog|operator|monitor|leave|reload)( [\w/.-]+)*$/],
  ['nomad', /^(status|job|node|alloc|server|operator|deployment)( [\w/.-]+)*$/],
  ['flux', /^(get|reconcile|suspend|resume|logs|check|export|trace)( [\w/.-]+)*$/],
  ['kind', /^(get|create|delete|load|export)( [\w/.-]+)*$/],
  ['bundle', /^(exec|install|update|check)( [\w:.-]+)+$|^(install|update|check)$/],
  ['make', /^(install|build|test|clean|deploy|release|lint|check|all|run|migrate)( [\w.-]+)*$/],
]);
const WRAPPERS = new Set(['sudo', 'env', 'watch', 'timeout']);
// A program and the word that opens its interactive console: `rails c`, `gitlab-rails console`, `psql`.
const OPENS_CONSOLE = /^(sudo\s+)?[\w.-]+\s+(c|console|shell|dbconsole|repl)$|^(sudo\s+(-u\s+\S+\s+)?)?(psql|mysql|redis-cli|mongosh?|gitlab-psql|gitlab-redis-cli)(\s+-[a-zA-Z]\s*\S+)*$/;

const SQL_STATEMENT: Array<[RegExp, RegExp]> = [
  // [leading keyword, shape the rest must have]
  [/^select\b/i, /^select\s+\S/i],
  [/^with\b/i, /^with\s+(recursive\s+)?[\w"]+(\s*\([^)]*\))?\s+as\s+(not\s+)?(materialized\s+)?\(/i],
  [/^insert\b/i, /^insert\s+into\s+\S/i],
  [/^update\b/i, /^update\s+(only\s+)?[\w."]+(\s+(as\s+)?\w+)?\s+set\s/i],
  [/^delete\b/i, /^delete\s+from\s+\S/i],
  [/^merge\b/i, /^merge\s+into\s+\S/i],
  [/^(alter|create|drop|comment)\b/i, /^(alter|create(\s+or\s+replace)?(\s+unique)?|drop|comment\s+on)\s+(table|index|view|materialized\s+view|policy|role|user|schema|extension|function|procedure|trigger|type|sequence|database|publication|subscription|column|constraint|default|privileges|domain|aggregate|event\s+trigger|foreign\s+table|rule|server|tablespace|owned)\b(\s+(if\s+(not\s+)?exists\s+|concurrently\s+|unique\s+)*[\w"*])/i],
  [/^truncate\b/i, /^truncate\s+(table\s+)?[\w."]+/i],
  [/^(grant|revoke)\b/i, /^(grant|revoke)\s+[\w, ]+\s+(on|to|from)\s+\S/i],
  [/^explain\b/i, /^explain\s+(\([^)]*\)\s*|analy[sz]e\s+|verbose\s+)*(select|insert|update|delete|with|merge|values|table|execute)\b/i],
  [/^(vacuum|analy[sz]e|reindex|cluster)\b/i, /^(vacuum|analy[sz]e|reindex|cluster)(\s+\([^)]*\))?(\s+(full|verbose|freeze|analy[sz]e|table|index|schema|database|concurrently))*(\s+(?!(full|verbose|freeze|analy[sz]e|concurrently)\b)[\w."]+(\s*\([\w, "]*\))?\s*;?|\s*;)$/i],
  [/^refresh\b/i, /^refresh\s+materialized\s+view\s+\S/i],
  [/^(set|reset|show)\b/i, /^(set\s+(local\s+|session\s+)?[\w.]+\s*(=|to)\s*\S|set\s+role\s+\S|reset\s+(role|all|[\w.]+)\s*;?$|show\s+[\w.]+\s*;?$)/i],
  [/^(copy)\b/i, /^copy\s+[\w."(]+.*\b(to|from)\b/i],
  [/^(call)\b/i, /^call\s+[\w.]+\s*\(/i],
  [/^(lock)\b/i, /^lock\s+(table\s+)?[\w."]+/i],
  [/^(notify|listen|unlisten)\b/i, /^(notify|listen|unlisten)\s+[\w"*]+/i],
  [/^(begin|start\s+transaction|commit|rollback)\b/i, /^(begin|start\s+transaction|commit|rollback)\s*(;|\s+(read|isolation|transaction|work))/i],
  [/^values\b/i, /^values\s*\(/i],
  [/^table\b/i, /^table\s+[\w."]+\s*;?$/i],
  [/^do\b/i, /^do\s+(\$\w*\$|language\b)/i],
];

const URL = /^https?:\/\/[^\s<>"'`]+$/i;

/** Strip leading SQL comments and blank lines so the first statement can be looked at. */
function stripLeadingSqlComments(text: string): string {
  let s = text.trimStart();
  for (;;) {
    if (s.startsWith('--')) {
      const nl = s.indexOf('\n');
      s = nl < 0 ? '' : s.slice(nl + 1).trimStart();
    } else if (s.startsWith('/*')) {
      const end = s.indexOf('*/');
      s = end < 0 ? '' : s.slice(end + 2).trimStart();
    } else if (s.startsWith('(')) {
      s = s.slice(1).trimStart(); // `(select …) union …`
    } else {
      return s;
    }
  }
}

const SQL_KEYWORDS = new Set(
  `select with insert update delete merge alter create drop comment truncate grant revoke explain vacuum analyze analyse
  reindex cluster refresh set reset show copy call lock notify listen unlisten begin start commit rollback values table do`.split(/\s+/),
);

export function isSql(text: string): boolean {
  const stripped = stripLeadingSqlComments(text);
  // SQL is written `select` or `SELECT`; `Table`, `Cluster` and `Show` start names and sentences.
  const keyword = /^[A-Za-z]+/.exec(stripped)?.[0] ?? '';
  if (!SQL_KEYWORDS.has(keyword.toLowerCase())) return false;
  if (keyword !== keyword.toLowerCase() && keyword !== keyword.toUpperCase()) return false;
  const s = stripped.replace(/\s+/g, ' ');
  // `table type` and `cluster logging` are words; the statements name a table (`table pg_stat_activity;`).
  if (/^(table|cluster)\b/i.test(s) && !/;\s*$|^\w+\s+(verbose\s+)?"?\w*[_."]/i.test(s)) return false;
  // `show sockets` is pgbouncer's console; PostgreSQL settings have an underscore or a dot (`show work_mem`).
  if (/^show\s+\w+\s*$/i.test(s) && !/^show\s+(\w*[_.]\w*|all|timezone|port)\s*$/i.test(s)) return false;
  // `create index header reader: …` is a log line: a CREATE defines its object (`… on t (…)`, `… as …`).
  if (/^create\s+(unique\s+)?index\b/i.test(s) && !/\bon\b/i.test(s)) return false;
  if (/^create\s+(or\s+replace\s+)?(materialized\s+)?view\b/i.test(s) && !/\bas\b/i.test(s)) return false;
  if (/^create\s+table\b/i.test(s) && !/[(]|\b(as|like|partition\s+of)\b/i.test(s)) return false;
  for (const [keyword, shape] of SQL_STATEMENT) {
    if (keyword.test(s)) return shape.test(s);
  }
  return false;
}

const ENV_ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=("[^"]*"|'[^']*'|\S*)\s+/;

/** The first word of a shell command, past `sudo`, `env`, `VAR=value` prefixes and a `$ ` prompt. */
function commandWords(line: string): string[] {
  let s = line.trim().replace(/^\$\s+/, '');
  for (;;) {
    const m = ENV_ASSIGNMENT.exec(s);
    if (!m) break;
    s = s.slice(m[0].length);
  }
  return s.split(/\s+/).filter(Boolean);
}

const TITLE_CASE_WORD = /^[A-Z][a-z]+$/;
const OPTION_WORD = /^[-+]/;

function allAfterFirst(words: string[], pattern: RegExp): boolean {
  for (let i = 1; i < words.length; i++) if (!pattern.test(words[i]!)) return false;
  return true;
}

/** Whether a line reads as a shell command; a multi-line snippet is judged by its first line. */
export function isCommand(text: string): boolean {
  const line = text.trim().split('\n')[0]!;
  const words = commandWords(line);
  const program = words[0];
  if (!program) return false;
  // ./script.sh, ../bin/tool, ~/bin/x: a path to run. A path alone that is not executable-looking is text.
  if (/^(\.{1,2}|~)\/\S+/.test(program)) return /\.(sh|bash|py|rb|js|mjs|ts|pl)$/.test(program) || words.length > 1;
  if (/^\/\S*\/\S+\.(sh|bash|py)$/.test(program)) return true;
  // bin/rails console, scripts/failover.sh: a relative path to a program, with arguments or a script's extension.
  if (/^[\w.-]+\/[\w./-]*[\w-]$/.test(program) && !/^https?:/.test(program)) return words.length > 1 ? !/^[A-Z]/.test(words[1]!) : /\.(sh|bash|py|rb)$/.test(program);
  // /opt/gitlab/bin/gitlab-ctl restart: an absolute path to a program, with arguments.
  if (/^\/[\w.@+-]+(\/[\w.@+-]+)+$/.test(program)) return words.length > 1 && !words[1]!.startsWith('/');
  if (!PROGRAMS.has(program)) return isUnknownProgramCommand(words, line);
  // `host replication all 10.0.0.0/8 md5` is a pg_hba.conf line; host(1) takes a name and a server.
  if (program === 'host' && words.slice(1).filter((w) => !w.startsWith('-')).length > 2) return false;
  // `pgbouncer Connection Pooling`: a name followed by Title Case words is a heading or a label.
  if (allAfterFirst(words, TITLE_CASE_WORD)) return false;
  // A program name alone (`kubectl`, `psql`) names the tool; with arguments it is a command.
  if (words.length < 2) return false;
  // `watch kubectl get pods`, `timeout 30 curl …`: a wrapper is a command when what it runs is one.
  if (WRAPPERS.has(program) && program !== 'sudo') {
    const at = words.findIndex((w, i) => i > 0 && !w.startsWith('-') && !/^\d+(\.\d+)?[smhd]?$/.test(w) && !/^[A-Za-z_]\w*=/.test(w));
    if (at > 0 && isCommand(words.slice(at).join(' '))) return true;
  }
  if (WORD_PROGRAMS.has(program) && !words.slice(1).some((w) => SHELLISH_ARGUMENT.test(w))) {
    return WORD_PROGRAM_FORMS.get(program)?.test(words.slice(1).join(' ')) ?? false;
  }
  // `rm -rf`, `kill -9`, `chmod +x` in a sentence name the command; run, they need what to act on.
  if (NEEDS_OPERAND.has(program) && allAfterFirst(words, OPTION_WORD)) return false;
  // `oc import-image`, `helm status` in a sentence name a subcommand; alone, only a few of them run.
  const complete = COMPLETE_SUBCOMMANDS.get(program);
  if (complete && words.length === 2 && !complete.has(words[1]!)) return false;
  // `sudo`, `env`, `watch`, `timeout` and shells wrap another command: judge what they run.
  if (program === 'sudo' || program === 'env' || program === 'watch' || program === 'timeout') {
    const rest = words.slice(1).filter((w) => !w.startsWith('-') && !/^\d+[smh]?$/.test(w));
    return rest.length > 0;
  }
  return true;
}

/**
 * A program we do not know, given options or variables: `toolbox --bind=/x`, `tf import a b/$POOL`.
 * A column of output is aligned with runs of spaces and has neither.
 */
function isUnknownProgramCommand(words: string[], line: string): boolean {
  if (words.length < 2 || !/^[a-z][\w.-]*$/.test(words[0]!) || /\S\s{2,}\S/.test(line.trim())) return false;
  if (words.slice(1).some((w) => /^--?[A-Za-z][\w-]*(=|$)/.test(w) || /\$(\{?[A-Za-z_]|\()/.test(w))) return true;
  // `gitlab-patronictl list`, `talosctl health`, `git-crypt unlock`: a name shaped like a control tool
  // or a companion of a known program, then subcommands.
  return (TOOL_NAME.test(words[0]!) || isCompanionTool(words[0]!)) && words.length <= 6 && allAfterFirst(words, LOWERCASE_WORD);
}

/** `git-crypt`, `kubectl-neat`, `helm-docs`: a known program's name, a hyphen, more (not `free-tier`). */
function isCompanionTool(name: string): boolean {
  const m = /^([a-z][a-z0-9]*)-[a-z][a-z0-9-]*$/.exec(name);
  return m !== null && PROGRAMS.has(m[1]!) && !WORD_PROGRAMS.has(m[1]!);
}

const TOOL_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*(ctl|adm|-cli|-admin)$/;
const LOWERCASE_WORD = /^[a-z][\w.:/@-]*$/;

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

// A whole block shaped as PromQL: an aggregation or function call, or a lowercase metric name with
// underscores followed by label matchers, a range, an operator or nothing; only PromQL's characters.
const PROMQL_START = /^\(*\s*((sum|avg|min|max|count|count_values|stddev|stdvar|topk|bottomk|quantile|group)\s*(\s(by|without)\s*\([\w, ]*\)\s*)?\(|(rate|irate|increase|delta|idelta|deriv|predict_linear|histogram_quantile|absent|absent_over_time|changes|resets|label_replace|label_join|sort|sort_desc|clamp_min|clamp_max|round|abs|time|timestamp|vector|scalar|\w+_over_time)\s*\(|[a-z][a-z0-9]*(_[a-z0-9]+)+(:[\w:]+)?\s*(\{|\[|[-+*/%^]|[<>=!]=|[<>]\s|\b(and|or|unless|offset)\b|\)))/;
const PROMQL_CHARS = /^[\w:{}()[\]=~!",.'*/+\-<>^%@ \n\t|]+$/;
const LOGQL_START = /^\{\s*[\w.]+\s*(=|!=|=~|!~)\s*"[^"]*"\s*(,\s*[\w.]+\s*(=|!=|=~|!~)\s*"[^"]*"\s*)*\}(\s*(\|[=~]|!=|!~|\|)|\s*$)/;

/** A block that is all PromQL or LogQL, wherever it was put: shown and copied as that query. */
function queryActions(body: string): FenceAction[] {
  const text = body.trim();
  // PromQL comments run from `#` to the end of the line; the query is judged without them.
  const bare = text.includes('#') ? text.replace(/(^|\s)#[^\n]*/g, '$1').trim() : text;
  if (LOGQL_START.test(text)) return [{ kind: 'logql', code: text }];
  // `for: 5m` under an expression is a rule's YAML, not part of a query.
  if (PROMQL_CHARS.test(bare) && PROMQL_START.test(bare) && !/\n\s*\n/.test(bare) && !hasProseWords(bare) && !EXPOSITION_SAMPLE.test(bare) && !/^\s*[A-Za-z_]\w*:\s/m.test(bare)) {
    return [{ kind: 'promql', code: text }];
  }
  return [];
}

// `metric{labels} 0`: a line of a /metrics page, which is output, not a query.
const EXPOSITION_SAMPLE = /^\s*[a-zA-Z_:][\w:]*(\{[^}]*\})?\s+[-+]?(\d[\d.eE+-]*|NaN|\+?Inf)(\s+\d+)?\s*$/m;

const PROMQL_WORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'offset', 'bool', 'atan2']);

/** Two bare words in a row, neither a PromQL keyword: a sentence, not a query. */
function hasProseWords(text: string): boolean {
  const bare = text.replace(/"[^"]*"|'[^']*'|\{[^}]*\}|\[[^\]]*\]/g, ' ');
  for (const m of bare.matchAll(/([A-Za-z_][\w:]*)\s+(?=([A-Za-z_][\w:]*))/g)) {
    if (!PROMQL_WORDS.has(m[1]!) && !PROMQL_WORDS.has(m[2]!)) return true;
  }
  return false;
}

/** Whether a single line opens like a shell command: cd, export, source, an assignment, a loop or test. */
export function isShellStart(line: string): boolean {
  const s = line.trim();
  // `level=error ts=… msg="…"` is a logfmt line: only key=value pairs, no command.
  if (/^[A-Za-z_]\w*=("[^"]*"|\S*)(\s+[A-Za-z_][\w.]*=("[^"]*"|\S*))+\s*$/.test(s)) return false;
  return (
    /^(cd|source|\.|pushd)\s+\S/.test(s) ||
    /^export\s+[A-Za-z_]\w*(=|\s*$)/.test(s) ||
    /^(readonly\s+|local\s+|declare\s+(-\w+\s+)*)?[A-Za-z_]\w*=(\S|$)/.test(s) ||
    /^(for\s+[A-Za-z_]\w*\s+in\b|for\s*\(\(|while\s+\S|until\s+\S|if\s+(\[\[?\s|!\s|test\s)|case\s+\S+\s+in\b)/.test(s) ||
    /^(function\s+)?[A-Za-z_][\w-]*\s*\(\)\s*\{?$/.test(s)
  );
}

/** A line that can continue a script: a command, shell syntax, a comment, or a program given flags. */
function looksLikeShellLine(line: string): boolean {
  const s = line.trim();
  if (!s || s.startsWith('#')) return true;
  if (isCommand(s) || isShellStart(s)) return true;
  if (/^(done|fi|esac|else|elif\b.*|then|do|\}|\)|;;)\s*(;.*)?$/.test(s) || /^(\{|\(|\[\[?|!|\w+\))\s/.test(s)) return true;
  // An unknown program given options, variables, pipes or redirections (`ocm get cluster $ID`); a
  // column of output has none of them and is aligned with runs of spaces.
  return /^[a-z][\w.-]*\s/.test(s) && /\s--?[A-Za-z][\w-]*|\$[A-Za-z_{(]|\s[|>]\s|\s2>&1/.test(s) && !/\S\s{2,}\S/.test(s);
}

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
