// The TUI answering keys while a command floods 50 MB of output, beside the same key when idle.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { median, ROOT, TMP } from './lib.mjs';

export const name = 'keys under load';

const pause = (ms) => new Promise((r) => setTimeout(r, ms));

export async function run() {
  const home = mkdtempSync(join(TMP, 'keys-'));
  const runbook = join(home, 'flood.md');
  writeFileSync(runbook, "# Flood\n## Flood\n```sh\nyes 'INFO request served in 12ms status=200 path=/api/v1/ebooks user=4711' | head -c 52428800\n```\n");
  const socket = `keys-${process.pid}`;
  const tmux = (...args) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  const screen = () => tmux('capture-pane', '-p', '-t', 'k');
  const waitFor = async (text, timeout = 20_000) => {
    const start = performance.now();
    while (!screen().includes(text)) {
      if (performance.now() - start > timeout) throw new Error(`waited for ${text}: ${screen()}`);
      await pause(2);
    }
    return performance.now() - start;
  };
  /** Time from a key to the frame that answers it. */
  const latency = async (key, answer) => {
    const start = performance.now();
    tmux('send-keys', '-t', 'k', key);
    while (!screen().includes(answer)) await pause(2);
    return performance.now() - start;
  };
  tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'k', '-x', '120', '-y', '40', `env -u CI XDG_STATE_HOME=${home} XDG_CONFIG_HOME=${home} NO_COLOR=1 ${process.execPath} ${ROOT}bin/runbook.js ${runbook} --drill; sleep 60`);
  try {
    await waitFor('Flood  0/1 steps');
    tmux('send-keys', '-t', 'k', 'Enter');
    await waitFor('Flood  ░');
    tmux('send-keys', '-t', 'k', 'Enter');
    await waitFor('[shell]');
    const idle = [];
    for (let i = 0; i < 5; i++) {
      idle.push(await latency('?', 'runbook: keys'));
      await latency('Escape', '[shell]');
    }
    tmux('send-keys', '-t', 'k', 'r');
    await waitFor('running shell');
    const busy = [];
    while (screen().includes('running shell') || screen().includes('runbook: keys')) {
      busy.push(await latency('?', 'runbook: keys'));
      await latency('Escape', '[shell]');
      if (!screen().includes('running shell')) break;
    }
    return [{ what: `key answered while 50 MB streams (${busy.length} presses)`, value: median(busy), unit: 'ms', floor: median(idle), floorWhat: 'same key, idle', goal: '≤ 100 ms' }];
  } finally {
    tmux('kill-server');
  }
}
