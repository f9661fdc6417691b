import { listSessions, type SessionSummary } from '../session/catalog.js';
import { colorEnabled, makeStyle } from '../format/style.js';
import { terminalSafe } from '../format/terminal.js';

/** What a session was for, in a few words: `incident INC-4711 · sev 1 · title`, `drill`, `routine check`. */
export function purposeText(purpose: unknown): string {
  if (!purpose || typeof purpose !== 'object') return 'purpose not recorded';
  const p = purpose as { kind?: unknown; id?: unknown; severity?: unknown; title?: unknown };
  const kind = p.kind === 'routine' ? 'routine check' : typeof p.kind === 'string' ? p.kind : 'session';
  const parts = [typeof p.id === 'string' && p.id ? `${kind} ${p.id}` : kind];
  if (typeof p.severity === 'string' && p.severity) parts.push(`sev ${p.severity}`);
  if (typeof p.title === 'string' && p.title) parts.push(p.title);
  return parts.join(' · ').replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}

function duration(start: string | undefined, end: string | undefined): string {
  if (!start) return '';
  if (!end) return 'running';
  const minutes = Math.max(0, Math.round((Date.parse(end) - Date.parse(start)) / 60000));
  return minutes < 1 ? '<1 min' : minutes < 120 ? `${minutes} min` : `${Math.round(minutes / 60)} h`;
}

function cut(text: string, room: number): string {
  const chars = [...text];
  return chars.length <= room ? text : `${chars.slice(0, Math.max(0, room - 1)).join('')}…`;
}

/**
 * Two lines a session: its id (whole, to copy into `runbook verify` or `resume`), status, environment
 * and length; then what it was for and where in which runbook. Fits 80 columns.
 */
export function sessionLines(sessions: SessionSummary[], columns = 80): Array<{ id: string; status: string; rest: string; detail: string }> {
  const statusWidth = Math.max(...sessions.map((s) => s.status.length));
  return sessions.map((s) => {
    const rest = cut([s.env ?? '', duration(s.start, s.end)].filter(Boolean).join('  '), Math.max(0, columns - s.id.length - statusWidth - 4));
    const where = [s.section, s.runbookTitle].filter(Boolean).join(' · ');
    const started = s.start ? `${s.start.slice(0, 16).replace('T', ' ')} UTC` : '';
    const detail = `  ${[purposeText(s.purpose), where, started].filter(Boolean).join(' · ')}`;
    // A session's section and runbook title come from files anyone could have written: shown terminal-safe.
    return { id: terminalSafe(s.id), status: s.status.padEnd(statusWidth), rest: terminalSafe(rest), detail: cut(terminalSafe(detail), columns) };
  });
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
  const columns = Math.min(process.stdout.isTTY && process.stdout.columns ? process.stdout.columns : 80, 120);
  const paint = (status: string, text: string) => (status.startsWith('sealed') ? style.green(text) : status.startsWith('open') ? style.yellow(text) : style.red(text));
  for (const line of sessionLines(sessions, columns)) {
    process.stdout.write(`${style.bold(line.id)}  ${paint(line.status, line.status)}  ${line.rest}`.trimEnd() + `\n${line.detail}\n`);
  }
}
