// Key bindings as a table: the input handler and every screen's footer read the same entries.

export type ScreenName = 'picker' | 'home' | 'section' | 'step' | 'finish' | 'help';

export type Command =
  | 'up' | 'down' | 'pageUp' | 'pageDown' | 'open' | 'back' | 'run' | 'cancel' | 'done' | 'skip' | 'fail'
  | 'note' | 'attach' | 'copy' | 'filter' | 'env' | 'help' | 'quit' | 'report' | 'update' | 'escalate' | 'severity'
  /** Handled by the Step screen itself (src/screens/Step.tsx); listed here for the footer and help. */
  | 'record' | 'pager';

export interface Binding {
  command: Command;
  /** What the footer shows. */
  keys: string;
  label: string;
}

const NAV: Binding[] = [
  { command: 'up', keys: '↑/k', label: 'up' },
  { command: 'down', keys: '↓/j', label: 'down' },
];

/** Incident coordination: a status update to the team, escalation, severity. */
const INCIDENT: Binding[] = [
  { command: 'update', keys: 'u', label: 'update' }, { command: 'escalate', keys: 'E', label: 'escalate' }, { command: 'severity', keys: 'V', label: 'severity' },
];

export const BINDINGS: Record<ScreenName, Binding[]> = {
  picker: [...NAV, { command: 'open', keys: 'Enter', label: 'open' }, { command: 'filter', keys: '/', label: 'filter' }, { command: 'help', keys: '?', label: 'help' }, { command: 'quit', keys: 'q', label: 'quit' }],
  home: [
    ...NAV, { command: 'open', keys: 'Enter', label: 'open' }, { command: 'filter', keys: '/', label: 'filter' }, { command: 'env', keys: 'e', label: 'environment' },
    { command: 'back', keys: 'Esc', label: 'back' }, { command: 'help', keys: '?', label: 'help' }, { command: 'quit', keys: 'q', label: 'quit' },
  ],
  section: [
    // d, s and f mark the step under the cursor and move the cursor to the next one (↓).
    ...NAV, { command: 'open', keys: 'Enter', label: 'open step' }, { command: 'run', keys: 'r', label: 'run' }, { command: 'done', keys: 'd', label: 'done↓' },
    { command: 'skip', keys: 's', label: 'skip↓' }, { command: 'fail', keys: 'f', label: 'failed↓' }, { command: 'note', keys: 'n', label: 'note' },
    ...INCIDENT, { command: 'filter', keys: '/', label: 'filter' }, { command: 'back', keys: 'Esc', label: 'back' }, { command: 'help', keys: '?', label: 'help' }, { command: 'quit', keys: 'q', label: 'quit' },
  ],
  step: [
    { command: 'run', keys: 'r', label: 'run' }, { command: 'cancel', keys: 'x/^C', label: 'cancel run' }, { command: 'done', keys: 'd', label: 'done' },
    { command: 'skip', keys: 's', label: 'skip' }, { command: 'fail', keys: 'f', label: 'failed' }, { command: 'note', keys: 'n', label: 'note' },
    { command: 'attach', keys: 'a', label: 'attach' }, ...INCIDENT, { command: 'copy', keys: 'c', label: 'copy' }, { command: 'pageUp', keys: 'PgUp/PgDn', label: 'scroll' },
    { command: 'record', keys: 'Enter/v', label: 'whole row' }, { command: 'pager', keys: 'o', label: 'pager' },
    { command: 'back', keys: 'Esc', label: 'back' }, { command: 'help', keys: '?', label: 'help' }, { command: 'quit', keys: 'q', label: 'quit' },
  ],
  finish: [{ command: 'report', keys: 'w', label: 'write report draft' }, { command: 'quit', keys: 'q/Enter', label: 'exit' }],
  help: [{ command: 'back', keys: 'Esc/?', label: 'close help' }],
};

export interface KeyPress {
  upArrow?: boolean;
  downArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  return?: boolean;
  escape?: boolean;
  ctrl?: boolean;
}

/** The command a key press means on a screen, or undefined. */
export function commandFor(screen: ScreenName, input: string, key: KeyPress): Command | undefined {
  const available = new Set(BINDINGS[screen].map((b) => b.command));
  if (screen === 'step') available.add('pageDown');
  let command: Command | undefined;
  if (key.ctrl && input === 'c') command = 'cancel';
  else if (key.upArrow || input === 'k') command = 'up';
  else if (key.downArrow || input === 'j') command = 'down';
  else if (key.pageUp || input === '[') command = 'pageUp';
  else if (key.pageDown || input === ']') command = 'pageDown';
  else if (key.return) command = screen === 'finish' ? 'quit' : 'open';
  else if (key.escape) command = 'back';
  else {
    const letters: Record<string, Command> = { r: 'run', x: 'cancel', d: 'done', s: 'skip', f: 'fail', n: 'note', a: 'attach', c: 'copy', '/': 'filter', e: 'env', '?': 'help', q: 'quit', w: 'report', u: 'update', E: 'escalate', V: 'severity' };
    command = letters[input];
    if (screen === 'help' && input === '?') command = 'back';
  }
  return command && available.has(command) ? command : undefined;
}
