// Variables that carry from step to step. Step 1 often runs `export NAMESPACE=$(oc get ns …)` and
// later steps read `$NAMESPACE`. A shell action is wrapped so that, when its shell ends, bash writes
// its exported environment (NUL-separated, so any value survives) to a private temporary file: the
// action's output, exit status and line numbers are unchanged. The caller diffs that environment
// against the one the action started with, and later actions ask only for what nothing set.
//
// Limits: an action that sets its own EXIT trap replaces this one (nothing is captured: read() gives
// null, never a wrong value); a killed shell (SIGKILL) writes nothing; exports made in a subshell or
// a pipeline stage never reach the action's shell, as in a terminal.

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
  /** After the shell ended: its whole exported environment, or null when nothing was written. */
  read(): Record<string, string> | null;
  /** Removes the temporary folder; call it in a `finally`. */
  cleanup(): void;
}

// Set by bash itself, or by moving around: not values the runbook meant to pass on.
const SHELL_OWN = new Set(['_', 'SHLVL', 'PWD', 'OLDPWD', 'BASH_EXECUTION_STRING', 'BASHOPTS', 'SHELLOPTS']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

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
  // `command` so an action's function named env is not called; `>|` past noclobber; errors of the
  // dump itself go nowhere, so the action's output stays exactly its own.
  const dump = `command env -0 >| ${singleQuoted(file)} 2>/dev/null`;
  return {
    code: `trap ${singleQuoted(dump)} EXIT; ${code}`,
    read() {
      let bytes: string;
      try {
        bytes = readFileSync(file, 'utf8');
      } catch {
        return null;
      }
      return parseNulEnvironment(bytes);
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `env -0` output → variables (exported functions, `BASH_FUNC_x%%`, and odd names are skipped). */
export function parseNulEnvironment(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const entry of text.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq <= 0) continue;
    const name = entry.slice(0, eq);
    if (NAME.test(name)) vars[name] = entry.slice(eq + 1);
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
