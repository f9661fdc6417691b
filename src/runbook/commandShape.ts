// Whether a line reads as a shell command: a known program (or a ./script) followed by arguments, an
// everyday-word program only with a shellish argument or its own subcommands, a control tool or a known
// program's companion with subcommands, or shell syntax (cd, export, an assignment, a loop).

// Programs an operator runs from a runbook. A bare program name with no arguments is a name, not a command.
export const PROGRAMS: ReadonlySet<string> = new Set(
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

const ENV_ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=("[^"]*"|'[^']*'|\S*)\s+/;

/** The first word of a shell command, past `sudo`, `env`, `VAR=value` prefixes and a `$ ` prompt. */
export function commandWords(line: string): string[] {
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

export function allAfterFirst(words: string[], pattern: RegExp): boolean {
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
export function looksLikeShellLine(line: string): boolean {
  const s = line.trim();
  if (!s || s.startsWith('#')) return true;
  if (isCommand(s) || isShellStart(s)) return true;
  if (/^(done|fi|esac|else|elif\b.*|then|do|\}|\)|;;)\s*(;.*)?$/.test(s) || /^(\{|\(|\[\[?|!|\w+\))\s/.test(s)) return true;
  // An unknown program given options, variables, pipes or redirections (`ocm get cluster $ID`); a
  // column of output has none of them and is aligned with runs of spaces.
  return /^[a-z][\w.-]*\s/.test(s) && /\s--?[A-Za-z][\w-]*|\$[A-Za-z_{(]|\s[|>]\s|\s2>&1/.test(s) && !/\S\s{2,}\S/.test(s);
}
