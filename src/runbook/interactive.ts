// Lines typed inside an interactive session. A runbook often shows
//
//   $ oc debug node/master-0
//   sh-4.4# chroot /host
//   sh-4.4# rm -rf /var/lib/etcd/member
//
// The lines after `oc debug` are meant for the node's shell. Handed to one local bash they would run
// on the operator's own machine once the debug pod ended, so such an action is never run here: it is
// shown and copied, and the operator types it where it belongs. The same holds for `sudo -i`, `su -`,
// `ssh host`, `kubectl exec -it … sh`, `chroot /host`, `psql` with no command, and other shells and
// consoles that read what follows from the terminal.

const SHELLS = new Set(['sh', 'bash', 'zsh', 'ksh', 'dash', 'ash', 'fish', 'csh', 'tcsh', '/bin/sh', '/bin/bash', '/bin/zsh', '/usr/bin/bash', '/usr/bin/sh', '/bin/ash']);
const CONSOLES = new Set(['python', 'python3', 'node', 'irb', 'toolbox', 'tmux', 'screen', 'gitlab-psql', 'gitlab-redis-cli', 'mongo', 'mongosh', 'sqlite3', 'cqlsh', 'etcdctl-shell']);
// Options that take a value, per program, so the value is not taken for a host, pod or command.
const SSH_VALUE_OPTIONS = new Set(['-b', '-c', '-D', '-E', '-e', '-F', '-I', '-i', '-J', '-L', '-l', '-m', '-O', '-o', '-p', '-Q', '-R', '-S', '-W', '-w', '-B']);
const KUBE_VALUE_OPTIONS = new Set(['-n', '--namespace', '-c', '--container', '--context', '--kubeconfig', '--image', '-f', '--filename', '--as', '--cluster', '--user', '-l', '--selector', '--pod-running-timeout', '--profile', '--target', '--image-pull-policy']);
const DOCKER_VALUE_OPTIONS = new Set(['-u', '--user', '-w', '--workdir', '-e', '--env', '--env-file', '--detach-keys']);
const SUDO_VALUE_OPTIONS = new Set(['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U', '-T']);
const NSENTER_VALUE_OPTIONS = new Set(['-t', '--target', '-S', '--setuid', '-G', '--setgid', '-w', '--wd', '-r', '--root']);
const REDIS_VALUE_OPTIONS = new Set(['-h', '-p', '-a', '-n', '-u', '-s', '--user', '--pass', '--tls', '--cacert', '--cert', '--key', '-c']);

/** The first line that opens an interactive session with more lines typed after it, or undefined. */
export function typedInside(code: string): string | undefined {
  const lines = commandLines(code);
  for (let i = 0; i < lines.length - 1; i++) if (opensInteractiveSession(lines[i]!)) return lines[i]!;
  return undefined;
}

/** Why an action typed inside an interactive session is not run here. */
export function typedInsideReason(opener: string): string {
  return `its lines are typed inside \`${opener.length > 80 ? `${opener.slice(0, 79)}…` : opener}\`, an interactive session; run here they would act on this machine: copy it (c) and type it there`;
}

/** The code's commands, one per logical line: continuations joined, heredoc bodies and comments left out. */
function commandLines(code: string): string[] {
  const out: string[] = [];
  const raw = code.split(/\r?\n/);
  let heredoc: { word: string; tabs: boolean } | undefined;
  let pending = '';
  for (const line of raw) {
    if (heredoc) {
      if ((heredoc.tabs ? line.replace(/^\t+/, '') : line) === heredoc.word) heredoc = undefined;
      continue;
    }
    if (/\\$/.test(line)) {
      pending += line.slice(0, -1) + ' ';
      continue;
    }
    const whole = (pending + line).trim();
    pending = '';
    const here = /<<(-?)\s*['"]?([A-Za-z_][\w-]*)['"]?/.exec(whole);
    if (here) heredoc = { word: here[2]!, tabs: here[1] === '-' };
    if (whole && !whole.startsWith('#')) out.push(whole);
  }
  if (pending.trim()) out.push(pending.trim());
  return out;
}

/** Whether one command line starts a shell or console that reads the lines after it from the terminal. */
export function opensInteractiveSession(line: string): boolean {
  // Input from anywhere but the terminal, a pipeline or a list: the lines after are not typed into it.
  if (/[|;<>&`]|\$\(/.test(line.replace(/\s2>&1\s*$/, ''))) return false;
  return opens(line.trim().split(/\s+/).filter(Boolean));
}

function opens(words: string[]): boolean {
  const [program, ...args] = words;
  if (!program) return false;
  const name = program.replace(/^.*\//, '');
  if (SHELLS.has(program) || SHELLS.has(name)) return args.every((a) => /^-(l|i|-login|-norc|-noprofile)$/.test(a));
  if (CONSOLES.has(name)) {
    if (args.some((a) => /^(-c|-e|--eval|-f|--file|--command)$/.test(a) || /\.(js|py|rb|sql)$/.test(a))) return false;
    if (name === 'tmux' || name === 'screen') return !args.length || /^(new|new-session|attach|attach-session|a|-S|-r|-x)$/.test(args[0]!);
    return args.every((a) => a.startsWith('-'));
  }
  switch (name) {
    case 'sudo': {
      const rest = afterOptions(args, SUDO_VALUE_OPTIONS);
      const flags = args.slice(0, args.length - rest.length);
      if (!rest.length) return flags.some((f) => /^-[a-zA-Z]*[is]/.test(f) || f === '--login' || f === '--shell');
      return opens(rest);
    }
    case 'su':
      return !args.some((a) => a === '-c' || a === '--command' || a.startsWith('--command='));
    case 'chroot':
    case 'nsenter': {
      const rest = afterOptions(args, name === 'chroot' ? new Set(['--userspec', '--groups']) : NSENTER_VALUE_OPTIONS);
      const command = name === 'chroot' ? rest.slice(1) : rest;
      return !command.length || opens(command);
    }
    case 'ssh': {
      const rest = afterOptions(args, SSH_VALUE_OPTIONS);
      return rest.length === 1 || (rest.length > 1 && opens(rest.slice(1)));
    }
    case 'oc':
    case 'kubectl':
      return kubeOpens(args);
    case 'docker':
    case 'podman':
    case 'nerdctl':
    case 'crictl':
      return args[0] === 'exec' || args[0] === 'run' ? execOpens(args.slice(1), DOCKER_VALUE_OPTIONS, 1) : false;
    case 'psql':
      return !args.some((a) => /^(-c|--command|-f|--file|-l|--list|-V|--version|-\?|--help)(=|$)/.test(a) || /^-[a-zA-Z]*[cfl]$/.test(a));
    case 'mysql':
    case 'mariadb':
      return !args.some((a) => /^(-e|--execute)(=|$)/.test(a) || /^-e\S/.test(a));
    case 'redis-cli':
      return afterOptions(args, REDIS_VALUE_OPTIONS).length === 0;
    case 'gitlab-rails':
    case 'rails':
      return args.length > 0 && /^(c|console|dbconsole|db)$/.test(args[0]!);
    default:
      return false;
  }
}

function kubeOpens(args: string[]): boolean {
  const rest = afterOptions(args, KUBE_VALUE_OPTIONS);
  const verb = rest[0];
  if (verb === 'debug') {
    const dash = args.indexOf('--');
    return dash < 0 || opens(args.slice(dash + 1));
  }
  if (verb === 'rsh') {
    const target = afterOptions(rest.slice(1), KUBE_VALUE_OPTIONS);
    return target.length <= 1 || opens(target.slice(1));
  }
  if (verb === 'exec' || verb === 'attach' || verb === 'run') return execOpens(args.slice(args.indexOf(verb) + 1), KUBE_VALUE_OPTIONS, 1);
  return false;
}

/** `exec -it POD -- sh`: interactive (-i) and what it runs is a shell or console (or nothing). */
function execOpens(args: string[], valueOptions: Set<string>, positionals: number): boolean {
  const dash = args.indexOf('--');
  const before = dash < 0 ? args : args.slice(0, dash);
  const interactive = before.some((a) => /^-[a-zA-Z]*i/.test(a) || a === '--stdin' || a === '--interactive' || a.startsWith('--stdin=true'));
  if (!interactive) return false;
  const command = dash >= 0 ? args.slice(dash + 1) : afterOptions(before, valueOptions).slice(positionals);
  return !command.length || opens(command);
}

/** The words after the leading options (and their values). */
function afterOptions(args: string[], valueOptions: Set<string>): string[] {
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') return args.slice(i + 1);
    if (!a.startsWith('-') || a === '-') break;
    if (valueOptions.has(a)) i++;
  }
  return args.slice(i);
}
