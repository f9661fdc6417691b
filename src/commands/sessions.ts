import { listSessions } from '../session/catalog.js';
import { colorEnabled, makeStyle } from '../format/style.js';
import { terminalSafe } from '../format/terminal.js';

function shortTime(ts: string | undefined): string {
  return ts ? ts.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '';
}

/** `runbook sessions [--json]`: every session on this machine, newest first. */
export function sessionsCommand(options: { json?: boolean }): void {
  const sessions = listSessions();
  if (options.json) {
    process.stdout.write(JSON.stringify(sessions, null, 2) + '\n');
    return;
  }
  if (!sessions.length) {
    process.stdout.write('No sessions yet. A session starts when you run a step (runbook exec, or the TUI).\n');
    return;
  }
  const style = makeStyle(colorEnabled());
  const rows = [['ID', 'STATUS', 'ENV', 'SECTION', 'START (UTC)', 'END (UTC)']];
  for (const s of sessions) rows.push([s.id, s.status, s.env ?? '', s.section ?? '', shortTime(s.start), shortTime(s.end)].map(terminalSafe));
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const paint = (status: string, text: string) => (status === 'sealed' ? style.green(text) : status === 'open' ? style.yellow(text) : style.red(text));
  rows.forEach((r, i) => {
    const line = r.map((c, j) => (j === 1 && i > 0 ? paint(c, c.padEnd(widths[j]!)) : c.padEnd(widths[j]!))).join('  ').trimEnd();
    process.stdout.write((i === 0 ? style.bold(line) : line) + '\n');
  });
}
