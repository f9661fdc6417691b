// A real terminal for end-to-end tests: tmux on a private socket, fixed size (FACTS.md).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Terminal {
  send(...keys: string[]): void;
  type(text: string): void;
  screen(): string;
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<string>;
  resize(columns: number, rows: number): void;
  alive(): boolean;
  close(): void;
}

export function requireTmux(): void {
  if (spawnSync('tmux', ['-V']).status !== 0) throw new Error('tmux is required for the end-to-end tests (apt-get install tmux); .ci/run installs it.');
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `export NAME='value'` lines for a POSIX shell (`unset NAME` for a name given as undefined, so the
 * tmux server's own environment cannot leak it in); names a shell cannot export are left out.
 */
export function environmentScript(env: Record<string, string | undefined>): string {
  return Object.entries(env)
    .filter(([name]) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    .map(([name, value]) => (value === undefined ? `unset ${name}\n` : `export ${name}='${value.replace(/'/g, "'\\''")}'\n`))
    .join('');
}

export function openTerminal(command: string, env: Record<string, string | undefined>, size = { columns: 120, rows: 40 }, cwd = process.cwd()): Terminal {
  requireTmux();
  const socket = `runbook-e2e-${process.pid}-${Math.random().toString(16).slice(2, 8)}`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  // The environment (passwords included) goes through a private file the shell reads and deletes, never
  // through tmux's or the shell's command line, where `ps` would show it.
  const dir = mkdtempSync(join(tmpdir(), 'runbook-e2e-env-'));
  const envFile = join(dir, 'env.sh');
  writeFileSync(envFile, environmentScript(env), { mode: 0o600 });
  // `env -u CI`: with CI set, Ink renders only at exit (FACTS.md); `; sleep` keeps the pane for a last look.
  tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'e2e', '-c', cwd, '-x', String(size.columns), '-y', String(size.rows), `. '${envFile}'; rm -f '${envFile}'; env -u CI ${command}; echo "[exited $?]"; sleep 30`);
  const terminal: Terminal = {
    send: (...keys) => {
      for (const key of keys) tmux('send-keys', '-t', 'e2e', key);
    },
    type: (text) => {
      tmux('send-keys', '-t', 'e2e', '-l', text);
    },
    screen: () => tmux('capture-pane', '-p', '-t', 'e2e'),
    async waitFor(text, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const current = terminal.screen();
        // Keys sent next need no pause: the app holds keys until the screen or dialog they are for takes them.
        if (typeof text === 'string' ? current.includes(text) : text.test(current)) return current;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(text)}; the terminal shows:\n${current}`);
        await pause(50);
      }
    },
    resize: (columns, rows) => {
      tmux('resize-window', '-t', 'e2e', '-x', String(columns), '-y', String(rows));
    },
    alive: () => !terminal.screen().includes('[exited'),
    close: () => {
      try {
        tmux('kill-server');
      } catch {
        // already gone
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return terminal;
}

/**
 * On the Home screen: type a filter, keep it, and open the section whose title matches; resolves with
 * the section's screen. Each key waits for the frame that answers the one before it.
 */
export async function filterAndOpen(t: Terminal, text: string, section: string): Promise<string> {
  t.send('/');
  await t.waitFor('/ ');
  t.type(text);
  await t.waitFor(new RegExp(`❯ +${section}`));
  t.send('Enter');
  // The filter is kept: its line stays, without the editing hint.
  await t.waitFor(new RegExp(`^/ ${text}$`, 'm'));
  t.send('Enter');
  // The section's own screen: its title beside a progress bar (the Home row shows a count instead).
  return t.waitFor(new RegExp(`${section}  [█░]`));
}
