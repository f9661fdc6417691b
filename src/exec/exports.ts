// Variables that carry from step to step. Step 1 often runs `export NAMESPACE=$(oc get ns …)` and
// later steps read `$NAMESPACE`. A shell action is wrapped so that, when its shell ends, bash writes
// its exported variables (NUL-separated, so any value survives) to a private temporary file: the
// action's output, exit status and line numbers are unchanged. The caller diffs that environment
// against the one the action started with, and later actions ask only for what nothing set.
//
// The dump uses bash builtins only (no `env` process: a 1 MB value would make its exec fail with
// E2BIG and every variable would look unset) and turns xtrace off for itself, so `set -x` output
// stays the action's own.
//
// Limits: an action that sets its own EXIT trap replaces this one (nothing is captured: read() gives
// null, never a wrong value); a killed shell (SIGKILL) or one that ends with `exec prog` writes
// nothing; exports made in a subshell or a pipeline stage never reach the action's shell, as in a
// terminal. An action can write what it likes into the dump, as it can export what it likes: what is
// carried is decided after it ends (whyNotCarried), never by the action.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Action } from '../runbook/model.js';

/** What an action's shell changed in its exported environment. */
export interface ExportChanges {
  /** Exported variables that are new or have a new value. */
  set: Record<string, string>;
  /** Variables the action started with that it unset or stopped exporting. */
  unset: string[];
}

export interface ExportCapture {
  /** The code to run in place of the action's code (through the usual `bash -c`). */
  code: string;
  /** After the shell ended: its whole exported environment, or null when nothing was written (a value that is not UTF-8 holds U+FFFD). */
  read(): Record<string, string> | null;
  /** Removes the temporary folder; call it in a `finally`. */
  cleanup(): void;
}

// Set by bash itself, or by moving around: not values the runbook meant to pass on.
const SHELL_OWN = new Set(['_', 'SHLVL', 'PWD', 'OLDPWD', 'BASH_EXECUTION_STRING']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** The dump's last entry: not a variable (it starts with `=`), so it cannot be forged by an export. */
const END_MARK = '=runbook-exports-end';

function singleQuoted(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * Wrap shell code so its exported environment is captured when its shell exits, however it exits
 * (end of script, `exit n`, `set -e`). The prefix is on the code's first line, so `$LINENO` and
 * bash's error line numbers stay the action's own.
 */
export function wrapForExports(code: string, options: { tempDir?: string } = {}): ExportCapture {
  const dir = mkdtempSync(join(options.tempDir ?? tmpdir(), 'runbook-exports-'));
  const file = join(dir, 'env');
  // Builtins only, and `>|` past noclobber; `[[ -v ]]` skips a name exported but never given a value
  // (as `env` would). The list comes through a pipe (no temporary file that a changed TMPDIR could
  // stop), and the dump ends with a mark: a dump cut short is no dump, never "everything was unset".
  const dump = [
    '{ builtin set +x; } 2>/dev/null',
    'builtin set +eu -f',
    `__runbook_names=$(builtin compgen -e) && { IFS=$'\\n'; for __runbook_n in $__runbook_names; do if [[ -v $__runbook_n ]]; then builtin printf '%s=%s\\0' "$__runbook_n" "\${!__runbook_n}"; fi; done; builtin printf '%s\\0' ${singleQuoted(END_MARK)}; } >| ${singleQuoted(file)} 2>/dev/null`,
  ].join('; ');
  return {
    code: `trap ${singleQuoted(dump)} EXIT; ${code}`,
    read() {
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch {
        return null;
      }
      const end = Buffer.from(`\0${END_MARK}\0`);
      if (bytes.length < end.length - 1 || !bytes.subarray(bytes.length - end.length + 1).equals(end.subarray(1))) return null;
      return parseNulEnvironment(bytes.subarray(0, bytes.length - end.length + 1));
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** NUL-separated `NAME=value` entries → variables (exported functions, `BASH_FUNC_x%%`, and odd names are skipped). */
export function parseNulEnvironment(raw: string | Buffer): Record<string, string> {
  const vars: Record<string, string> = Object.create(null) as Record<string, string>;
  const bytes = typeof raw === 'string' ? Buffer.from(raw) : raw;
  let at = 0;
  while (at < bytes.length) {
    let end = bytes.indexOf(0, at);
    if (end < 0) end = bytes.length;
    const entry = bytes.subarray(at, end);
    at = end + 1;
    const eq = entry.indexOf(0x3d);
    if (eq <= 0) continue;
    const name = entry.subarray(0, eq).toString('latin1');
    if (NAME.test(name)) vars[name] = new TextDecoder('utf-8', { fatal: false }).decode(entry.subarray(eq + 1));
  }
  return vars;
}

/** What changed between the environment an action started with and the one its shell ended with. */
export function exportedChanges(before: Record<string, string | undefined>, after: Record<string, string>): ExportChanges {
  const set: Record<string, string> = {};
  for (const [name, value] of Object.entries(after)) {
    if (!SHELL_OWN.has(name) && before[name] !== value) set[name] = value;
  }
  const unset = Object.keys(before).filter((name) => before[name] !== undefined && !(name in after) && !SHELL_OWN.has(name) && NAME.test(name));
  return { set, unset };
}

/**
 * Names never carried to later actions: they change how a shell or the programs it starts read their
 * input or load code (BASH_ENV, LD_PRELOAD, PYTHONSTARTUP, PSQLRC …), or they are the tool's own
 * choices (where actions act: DATABASE_URL and libpq's PG*, read-only through PGOPTIONS, values as
 * RUNBOOK_VALUE_*). A runbook that needs another database switches environment instead.
 */
const NEVER_CARRIED = new Set([
  'BASH_ENV', 'ENV', 'PATH', 'IFS', 'PS1', 'PS2', 'PS3', 'PS4', 'PROMPT_COMMAND', 'SHELLOPTS', 'BASHOPTS',
  'CDPATH', 'GLOBIGNORE', 'BASH_XTRACEFD', 'BASH_COMPAT', 'BASH_LOADABLES_PATH', 'EXECIGNORE', 'POSIXLY_CORRECT',
  'HISTFILE', 'INPUTRC', 'TMOUT', 'HOME', 'SHELL', 'TMPDIR', 'PAGER', 'MANPAGER', 'EDITOR', 'VISUAL',
  'LESSOPEN', 'LESSCLOSE', 'NODE_OPTIONS', 'NODE_PATH', 'JAVA_TOOL_OPTIONS', '_JAVA_OPTIONS', 'JDK_JAVA_OPTIONS',
  'RUBYOPT', 'RUBYLIB', 'PERL5OPT', 'PERL5LIB', 'PERLLIB', 'GCONV_PATH', 'LOCPATH', 'NLSPATH', 'HOSTALIASES',
  'SSH_ASKPASS', 'SUDO_ASKPASS', 'DATABASE_URL', 'SUPABASE_URL', 'SUPABASE_ANON_KEY', 'SUPABASE_SERVICE_ROLE_KEY',
  // Files a read program takes its options or code from (curl -o from a .curlrc, an OpenSSL engine,
  // an AWS credential_process), and programs it runs (kubectl diff's differ, an editor).
  'CURL_HOME', 'WGETRC', 'SYSTEMWGETRC', 'OPENSSL_CONF', 'OPENSSL_ENGINES', 'OPENSSL_MODULES', 'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE', 'DOCKER_CONFIG', 'KUBECTL_EXTERNAL_DIFF', 'KUBE_EDITOR', 'SUDO_EDITOR', 'SYSTEMD_PAGER',
  'SYSTEMD_EDITOR', 'ZDOTDIR', 'PHPRC', 'PHP_INI_SCAN_DIR', 'MAKEFLAGS', 'MAKEFILES', 'BROWSER', 'CLASSPATH', 'LESSKEY',
]);
const NEVER_CARRIED_PREFIX = /^(?:LD_|DYLD_|RUNBOOK_|BASH_FUNC_|PG|PSQL|PYTHON|PERL|GIT_|XDG_|MALLOC_|GLIBC_|LUA_INIT|NPM_CONFIG_|npm_config_)/;

/** At most this much per value: an environment string over 128 KiB cannot be passed to a program at all. */
export const MAX_CARRIED_BYTES = 16 * 1024;

/** Why an exported variable does not carry to later actions, or undefined when it does. */
export function whyNotCarried(name: string, value: string): string | undefined {
  if (/^(?:PGOPTIONS|RUNBOOK_.*)$/.test(name)) return 'the tool sets it for every command (read-only, values as data)';
  if (/^(?:PG.*|DATABASE_URL|SUPABASE_.*)$/.test(name) && (NEVER_CARRIED.has(name) || NEVER_CARRIED_PREFIX.test(name))) {
    return 'it chooses the database or project, which the environment decides (use --env, or e in the navigator)';
  }
  if (NEVER_CARRIED.has(name) || NEVER_CARRIED_PREFIX.test(name)) return 'it changes how later commands are run or read their input';
  const bytes = Buffer.byteLength(value);
  if (bytes > MAX_CARRIED_BYTES) return `its value is ${bytes.toLocaleString('en-US')} bytes, over the ${MAX_CARRIED_BYTES / 1024} KiB a carried value may have (pass a file path instead)`;
  if (value.includes('\uFFFD')) return 'its value is not UTF-8 text';
  return undefined;
}

export interface CarriedValue {
  value: string;
  /** The action that set it: `<step id>#<n>`. */
  from: string;
}

/**
 * The variables earlier actions of a session exported, each with the action it came from. Feed it
 * every finished shell action's changes in order (also when replaying a session on resume).
 */
export class CarriedVariables {
  private readonly vars = new Map<string, CarriedValue>();

  record(actionId: string, changes: ExportChanges): void {
    for (const [name, value] of Object.entries(changes.set)) this.vars.set(name, { value, from: actionId });
    for (const name of changes.unset) this.vars.delete(name);
  }

  get(name: string): CarriedValue | undefined {
    return this.vars.get(name);
  }

  /** Name → value, to add to the next action's environment. */
  values(): Record<string, string> {
    return Object.fromEntries([...this.vars].map(([name, carried]) => [name, carried.value]));
  }

  /** Name → the action it came from, for `--dry-run` and the TUI. */
  origins(): Record<string, string> {
    return Object.fromEntries([...this.vars].map(([name, carried]) => [name, carried.from]));
  }

  /** The `$VARIABLES` an action reads that neither an earlier action nor `known` provides. */
  stillNeeded(action: Action, known: Iterable<string> = []): string[] {
    return variablesStillNeeded(action, [...this.vars.keys(), ...known]);
  }
}

/** The `$VARIABLES` an action reads that none of `provided` sets (placeholders are separate). */
export function variablesStillNeeded(action: Action, provided: Iterable<string>): string[] {
  const have = new Set(provided);
  return (action.env ?? []).filter((name) => !have.has(name));
}
