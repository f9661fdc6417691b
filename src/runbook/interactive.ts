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
const DOCKER_VALUE_OPTIONS = new Set(['-u', '--user', '-w', '--workdir', '-e', '--env', '--env-file', '--detach-keys', '--name', '-v', '--volume', '--mount', '--network', '--net', '-p', '--publish', '-h', '--hostname', '--entrypoint', '--platform', '-l', '--label', '--pid', '--ipc', '--uts', '--userns', '--cap-add', '--cap-drop', '--device', '--security-opt', '--add-host', '--dns', '-m', '--memory', '--cpus', '--log-driver', '--log-opt', '--restart', '--pull', '--tmpfs', '--ulimit', '--gpus', '--runtime', '--volumes-from', '--group-add']);
const SUDO_VALUE_OPTIONS = new Set(['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U', '-T']);
const NSENTER_VALUE_OPTIONS = new Set(['-t', '--target', '-S', '--setuid', '-G', '--setgid', '-w', '--wd', '-r', '--root']);
const REDIS_VALUE_OPTIONS = new Set(['-h', '-p', '-a', '-n', '-u', '-s', '--user', '--pass', '--tls', '--cacert', '--cert', '--key', '-c']);

/** The first line that opens an interactive session with more typed after it (later lines, or later commands of its own line), or undefined. */
export function typedInside(code: string): string | undefined {
  const lines = commandLines(code);
  for (let i = 0; i < lines.length; i++) {
    const commands = simpleCommands(lines[i]!);
    for (let j = 0; j < commands.length; j++) {
      const more = j < commands.length - 1 || i < lines.length - 1;
      if (more && commandOpens(commands[j]!)) return lines[i]!;
    }
  }
  return undefined;
}

/**
 * typedInside with the values known when the action runs put in place of their `$NAME` references:
 * `export DEBUG="oc debug node/x"` in step 1 makes step 2's `$DEBUG` an opener. The opener named is
 * the line as written (a secret value never shows).
 */
export function typedInsideWith(code: string, values: Record<string, string>): string | undefined {
  const expanded = code.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g, (whole, braced?: string, bare?: string) => {
    const value = values[(braced ?? bare)!];
    return value === undefined || /[\n\r]/.test(value) ? whole : value;
  });
  if (expanded === code) return typedInside(code);
  const opener = typedInside(expanded);
  if (opener === undefined) return undefined;
  const written = commandLines(code);
  const index = commandLines(expanded).indexOf(opener);
  return written.length === commandLines(expanded).length && index >= 0 ? written[index]! : code.split('\n')[0]!;
}

/** Why an action typed inside an interactive session is not run here. */
export function typedInsideReason(opener: string): string {
  return `its lines are typed inside \`${opener.length > 80 ? `${opener.slice(0, 79)}…` : opener}\`, an interactive session; run here they would act on this machine: copy it (c) and type it there`;
}

/** The code's commands, one per logical line: continuations joined, heredoc bodies and comments left out. */
function commandLines(code: string): string[] {
  const out: string[] = [];
  const raw = code.split(/\r?\n/);
  let heredocs: Array<{ word: string; tabs: boolean }> = [];
  let pending = '';
  for (const line of raw) {
    if (heredocs.length) {
      if ((heredocs[0]!.tabs ? line.replace(/^\t+/, '') : line) === heredocs[0]!.word) heredocs.shift();
      continue;
    }
    if (/(^|[^\\])(\\\\)*\\$/.test(line)) {
      pending += line.slice(0, -1) + ' ';
      continue;
    }
    const whole = (pending + line).trim();
    pending = '';
    const scanned = scanLine(whole);
    heredocs = scanned.heredocs;
    if (scanned.tokens.length) out.push(whole);
  }
  if (pending.trim()) out.push(pending.trim());
  return out;
}

interface Token {
  /** A word with its quotes removed, or an operator (`;` `&&` `||` `|` `|&` `&` `(` `)`). */
  text: string;
  operator: boolean;
}

/** One line read the way bash splits it: quotes, `$( )`, backticks and comments respected; heredoc words noted. */
function scanLine(line: string): { tokens: Token[]; heredocs: Array<{ word: string; tabs: boolean }> } {
  const tokens: Token[] = [];
  const heredocs: Array<{ word: string; tabs: boolean }> = [];
  let word = '';
  let inWord = false;
  const flush = () => {
    if (inWord) tokens.push({ text: word, operator: false });
    word = '';
    inWord = false;
  };
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t') {
      flush();
      i++;
    } else if (c === '#' && !inWord) {
      break;
    } else if (c === '\\') {
      word += line[i + 1] ?? '';
      inWord = true;
      i += 2;
    } else if (c === "'") {
      const close = line.indexOf("'", i + 1);
      const stop = close < 0 ? line.length : close;
      word += line.slice(i + 1, stop);
      inWord = true;
      i = stop + 1;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) if (line[j] === '\\') j++;
      word += line.slice(i + 1, j).replace(/\\(.)/g, '$1');
      inWord = true;
      i = j + 1;
    } else if (c === '`' || (c === '$' && line[i + 1] === '(')) {
      // A substitution stays one word (its text), whatever it holds.
      let j = c === '`' ? line.indexOf('`', i + 1) : i + 2;
      if (c === '$') for (let depth = 1; j < line.length && depth; j++) depth += line[j] === '(' ? 1 : line[j] === ')' ? -1 : 0;
      const stop = j < 0 ? line.length : c === '`' ? j + 1 : j;
      word += line.slice(i, stop);
      inWord = true;
      i = stop;
    } else if (line.startsWith('<<<', i)) {
      word += '<<<';
      inWord = true;
      i += 3;
    } else if (c === '<' && line.startsWith('<<', i)) {
      flush();
      const m = /^<<(-?)[ \t]*(?:'([^']*)'|"([^"]*)"|\\?([^\s;&|<>()]+))/.exec(line.slice(i));
      if (m) heredocs.push({ word: m[2] ?? m[3] ?? m[4]!, tabs: m[1] === '-' });
      tokens.push({ text: '<<', operator: false });
      i += m ? m[0].length : 2;
    } else if (';&|()'.includes(c)) {
      flush();
      const two = line.slice(i, i + 2);
      const op = two === '&&' || two === '||' || two === '|&' || two === ';;' ? two : c;
      // `2>&1`, `&>f`, `>&2` are redirections, not `&`.
      if (c === '&' && (line[i - 1] === '>' || line[i - 1] === '<' || line[i + 1] === '>')) {
        word = tokens.length && !tokens[tokens.length - 1]!.operator ? tokens.pop()!.text + '&' : '&';
        inWord = true;
        i++;
        continue;
      }
      tokens.push({ text: op, operator: true });
      i += op.length;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  flush();
  return { tokens, heredocs };
}

interface SimpleCommand {
  words: string[];
  /** Its standard input is a pipe, a file, a heredoc or a here-string, not the terminal. */
  inputElsewhere: boolean;
}

const RESERVED = new Set(['{', '}', '!', 'if', 'then', 'elif', 'else', 'fi', 'do', 'done', 'while', 'until', 'time', 'coproc']);

/** The simple commands of one line, in order, with their redirections taken out. */
function simpleCommands(line: string): SimpleCommand[] {
  const commands: SimpleCommand[] = [];
  let current: SimpleCommand = { words: [], inputElsewhere: false };
  let piped = false;
  const end = (nextPiped: boolean) => {
    if (current.words.length) commands.push({ ...current, inputElsewhere: current.inputElsewhere || piped });
    current = { words: [], inputElsewhere: false };
    piped = nextPiped;
  };
  const tokens = scanLine(line).tokens;
  for (let i = 0; i < tokens.length; i++) {
    const { text, operator } = tokens[i]!;
    if (operator) {
      end(text === '|' || text === '|&');
      continue;
    }
    const redirect = /^(\d*|&)(<<<|<<|<>|<&|<|>>|>\||>&|>|&>>|&>)(.*)$/.exec(text);
    if (redirect) {
      const target = redirect[3] || (redirect[2] === '<<' ? '' : tokens[++i]?.text ?? '');
      const input = redirect[2]!.startsWith('<') && (redirect[1] === '' || redirect[1] === '0');
      if (input && !(redirect[2] === '<' && target === '/dev/tty')) current.inputElsewhere = true;
      continue;
    }
    if (!current.words.length && RESERVED.has(text)) continue;
    if (!current.words.length && text === '-p' && tokens[i - 1]?.text === 'time') continue;
    current.words.push(text);
  }
  end(false);
  return commands;
}

function commandOpens(command: SimpleCommand): boolean {
  return !command.inputElsewhere && opens(command.words);
}

/** Whether one command line starts a shell or console that reads the lines after it from the terminal. */
export function opensInteractiveSession(line: string): boolean {
  const commands = simpleCommands(line);
  // A list or pipeline of several commands: only a single command is judged here (typedInside sees the rest).
  return commands.length === 1 && commandOpens(commands[0]!);
}

// Prefixes that run the rest of their words as the command, with the options each takes a value for.
const PREFIXES: Record<string, Set<string>> = {
  exec: new Set(['-a']),
  command: new Set(),
  builtin: new Set(),
  nohup: new Set(),
  nice: new Set(['-n', '--adjustment']),
  ionice: new Set(['-c', '-n', '-p', '--class', '--classdata']),
  stdbuf: new Set(['-i', '-o', '-e']),
  chrt: new Set(),
  taskset: new Set(),
  unbuffer: new Set(),
  winpty: new Set(),
};

function opens(wordsIn: string[]): boolean {
  const words = stripPrefixes(wordsIn);
  const [program, ...args] = words;
  if (!program) return false;
  const name = program.replace(/^.*\//, '');
  if (SHELLS.has(program) || SHELLS.has(name)) {
    // `sh -c 'exec bash'`, `bash -lc psql`: what the code given opens.
    const c = args.findIndex((a) => /^-[a-z]*c[a-z]*$/.test(a));
    if (c >= 0) return args[c + 1] !== undefined && simpleCommands(args[c + 1]!).some((command) => commandOpens(command));
  }
  if (SHELLS.has(program) || SHELLS.has(name)) return args.every((a) => /^-(l|i|-login|-norc|-noprofile|-rcfile|-init-file)$/.test(a) || /^-[a-z]+$/.test(a) && !a.includes('c'));
  if (CONSOLES.has(name)) {
    if (args.some((a) => /^(-c|-e|--eval|-f|--file|--command)$/.test(a) || /\.(js|py|rb|sql)$/.test(a))) return false;
    if (name === 'tmux' || name === 'screen') return !args.length || /^(new|new-session|attach|attach-session|a|-S|-r|-x)$/.test(args[0]!);
    if (name === 'mongo' || name === 'mongosh' || name === 'sqlite3' || name === 'cqlsh') return true;
    return args.every((a) => a.startsWith('-'));
  }
  switch (name) {
    case 'sudo':
    case 'doas':
    case 'pkexec':
    case 'runuser': {
      const rest = afterOptions(args, name === 'sudo' ? SUDO_VALUE_OPTIONS : new Set(['-u', '-g', '-G', '--user', '-C']));
      const flags = args.slice(0, args.length - rest.length);
      if (!rest.length) return name === 'pkexec' || flags.some((f) => /^-[a-zA-Z]*[isl]/.test(f) || f === '--login' || f === '--shell');
      if (name === 'runuser' && flags.some((f) => /^-[a-zA-Z]*l/.test(f) || f === '--login')) return !args.some((a) => a === '-c' || a === '--command');
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
    case 'ssh':
    case 'mosh':
    case 'autossh':
    case 'tsh':
    case 'teleport': {
      // -N, -f and -W forward ports or run in the background: nothing is typed to a remote shell.
      if (args.some((a) => /^-[46AaCfGgKkMNnqsTtVvXxYy]*[NfW]/.test(a))) return false;
      // OpenSSH reads options after the host too: `ssh host -p 22` runs nothing on it.
      const rest = afterOptions(args, SSH_VALUE_OPTIONS);
      const command = afterOptions(rest.slice(1), SSH_VALUE_OPTIONS);
      if (!rest.length) return false;
      return !command.length || remoteOpens(command);
    }
    case 'telnet':
    case 'ftp':
    case 'lftp':
    case 'sftp':
    case 'virsh':
    case 'vagrant':
    case 'machinectl':
    case 'systemd-nspawn':
      return consoleOpens(name, args);
    case 'nc':
    case 'ncat':
    case 'netcat':
      // A port check (`nc -z`) or a scan sends nothing; otherwise what follows is typed to the peer.
      return !args.some((a) => /^-[a-zA-Z]*z/.test(a) || a === '--zero') && afterOptions(args, new Set(['-w', '-p', '-s', '-i', '-q', '-W'])).length > 0;
    case 'gcloud':
      return args.includes('ssh') && !args.some((a) => a === '--command' || a.startsWith('--command=')) && !args.includes('--');
    case 'aws':
      return (args.includes('ssm') && args.includes('start-session') && !args.some((a) => a.startsWith('--document-name'))) || (args.includes('execute-command') && args.includes('--interactive'));
    case 'az':
      return args[0] === 'ssh' && (args[1] === 'vm' || args[1] === 'arc') && !args.includes('--');
    case 'lxc':
    case 'incus':
      if (args[0] === 'shell' || args[0] === 'console') return true;
      return args[0] === 'exec' && (() => {
        const dash = args.indexOf('--');
        const command = dash >= 0 ? args.slice(dash + 1) : afterOptions(args.slice(1), new Set(['--env', '--cwd', '--user', '--group'])).slice(1);
        return !command.length || opens(command);
      })();
    case 'heroku':
      return args[0] === 'run' && args.slice(1).some((a, i, rest) => !a.startsWith('-') && opens(rest.slice(i)));
    case 'fly':
    case 'flyctl':
      return args[0] === 'ssh' && args[1] === 'console' && !args.some((a) => a === '-C' || a === '--command' || a.startsWith('--command='));
    case 'oc':
    case 'kubectl':
      return kubeOpens(args);
    case 'docker':
    case 'podman':
    case 'nerdctl':
    case 'crictl':
      if (args[0] === 'attach') return true;
      if ((args[0] === 'compose' || args[0] === 'container') && (args[1] === 'exec' || args[1] === 'run')) return composeOpens(args.slice(2));
      return args[0] === 'exec' || args[0] === 'run' ? execOpens(args.slice(1), DOCKER_VALUE_OPTIONS, 1) : false;
    case 'docker-compose':
    case 'podman-compose':
      return args[0] === 'exec' || args[0] === 'run' ? composeOpens(args.slice(1)) : false;
    case 'psql':
      return !args.some((a) => /^(-c|--command|-f|--file|-l|--list|-V|--version|-\?|--help)(=|$)/.test(a) || /^-[a-zA-Z]*[cfl]$/.test(a));
    case 'mysql':
    case 'mariadb':
    case 'sqlplus':
      return !args.some((a) => /^(-e|--execute)(=|$)/.test(a) || /^-e\S/.test(a) || a.startsWith('@'));
    case 'redis-cli':
      return afterOptions(args, REDIS_VALUE_OPTIONS).length === 0;
    case 'etcdctl':
      return args.length === 0;
    case 'script':
      return !args.some((a) => /^-[a-zA-Z]*c/.test(a) || a === '--command' || a.startsWith('--command='));
    case 'gitlab-rails':
    case 'rails':
      return args.length > 0 && /^(c|console|dbconsole|db)$/.test(args[0]!);
    default:
      return false;
  }
}

/** Assignments, `env`, `exec`, `command`, `nohup`, `nice` … before the command they run. */
function stripPrefixes(words: string[]): string[] {
  let rest = words;
  for (;;) {
    const first = rest[0];
    if (first === undefined) return rest;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(first)) {
      rest = rest.slice(1);
      continue;
    }
    const name = first.replace(/^.*\//, '');
    if (name === 'env') {
      let i = 1;
      for (; i < rest.length; i++) {
        const a = rest[i]!;
        if (a === '--') {
          i++;
          break;
        }
        if (/^-[a-zA-Z]*[uCS]$/.test(a) || a === '--unset' || a === '--chdir') i++;
        else if (!a.startsWith('-') && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(a)) break;
      }
      rest = rest.slice(i);
      continue;
    }
    if (name === 'timeout') {
      const after = afterOptions(rest.slice(1), new Set(['-s', '--signal', '-k', '--kill-after']));
      rest = after.slice(1);
      continue;
    }
    const valueOptions = PREFIXES[name];
    if (valueOptions && rest.length > 1) {
      rest = afterOptions(rest.slice(1), valueOptions);
      continue;
    }
    return rest;
  }
}

/** A remote command given as words that the remote shell reads again (`ssh host 'sudo -i'`). */
function remoteOpens(command: string[]): boolean {
  const line = command.join(' ');
  return opensInteractiveSession(line);
}

function consoleOpens(name: string, args: string[]): boolean {
  switch (name) {
    case 'telnet':
    case 'ftp':
      return afterOptions(args, new Set(['-l', '-b', '-e', '-n'])).length > 0 || name === 'ftp';
    case 'lftp':
      return !args.some((a) => a === '-c' || a === '-f' || a === '-e');
    case 'sftp':
      return !args.some((a) => /^-[a-zA-Z]*b/.test(a));
    case 'virsh':
      return args.includes('console') || (args.length === 0);
    case 'vagrant':
      return args[0] === 'ssh' && !args.some((a) => a === '-c' || a === '--command' || a.startsWith('--command='));
    case 'machinectl':
      return args.some((a) => a === 'shell' || a === 'login') && !(args.includes('shell') && afterOptions(args.slice(args.indexOf('shell') + 1), new Set(['--uid', '-E', '--setenv'])).length > 1);
    case 'systemd-nspawn': {
      const rest = afterOptions(args, new Set(['-D', '--directory', '-i', '--image', '-M', '--machine', '-u', '--user', '--bind', '--bind-ro', '-E', '--setenv', '--chdir']));
      return args.some((a) => a === '-b' || a === '--boot') || !rest.length || opens(rest);
    }
    default:
      return false;
  }
}

/** `docker compose exec db bash`: interactive unless -T (no TTY) or stdin is off; a shell or console, or nothing after the service. */
function composeOpens(args: string[]): boolean {
  if (args.some((a) => a === '-T' || a === '--no-TTY' || a === '-d' || a === '--detach')) return false;
  const rest = afterOptions(args, new Set(['-u', '--user', '-w', '--workdir', '-e', '--env', '--index', '--name', '--entrypoint', '-v', '--volume', '-p', '--publish', '-l', '--label']));
  const command = rest.slice(1);
  return !command.length || opens(command);
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
  if (verb === 'exec' || verb === 'attach' || verb === 'run') {
    const after = args.slice(args.indexOf(verb) + 1);
    const dash = after.indexOf('--');
    const interactive = (dash < 0 ? after : after.slice(0, dash)).some((a) => /^-[a-zA-Z]*i/.test(a) || a === '--stdin' || a === '--interactive' || a.startsWith('--stdin=true'));
    if (!interactive) return false;
    // kubectl reads options anywhere; what runs is after `--` (or, in the old form, after the pod).
    const command = dash >= 0 ? after.slice(dash + 1) : positionalWords(after, KUBE_VALUE_OPTIONS).slice(1);
    return !command.length || opens(command);
  }
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
    // `-iu postgres`: a cluster of short options whose last one takes a value.
    if (valueOptions.has(a) || (/^-[a-zA-Z]{2,}$/.test(a) && valueOptions.has(`-${a.slice(-1)}`))) i++;
  }
  return args.slice(i);
}

/** The positional words, options (and their values) taken out wherever they stand, as kubectl reads them. */
function positionalWords(args: string[], valueOptions: Set<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') return out;
    if (a.startsWith('-') && a !== '-') {
      if (valueOptions.has(a)) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}
