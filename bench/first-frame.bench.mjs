// TUI first frame in a real terminal (tmux), beside a bare Ink app bundled the same way.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { median, ROOT, TMP } from './lib.mjs';

export const name = 'TUI first frame';

let runs = 0;

async function firstFrame(command, expected) {
  const socket = `bench-${process.pid}-${++runs}`;
  const tmux = (...args) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  const start = performance.now();
  tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'b', '-x', '120', '-y', '40', `env -u CI ${command}; sleep 5`);
  try {
    for (;;) {
      if (tmux('capture-pane', '-p', '-t', 'b').includes(expected)) return performance.now() - start;
      if (performance.now() - start > 10_000) throw new Error(`no first frame from ${command}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    tmux('kill-server');
  }
}

export async function run() {
  const hello = join(TMP, 'hello-ink.js');
  await build({
    entryPoints: [join(ROOT, 'bench/hello-ink.tsx')], outfile: hello, bundle: true, format: 'esm', platform: 'node', target: 'node20', logLevel: 'error',
    define: { 'process.env.NODE_ENV': '"production"' }, alias: { 'react-devtools-core': join(ROOT, 'scripts/stub-devtools.mjs') },
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
  const home = mkdtempSync(join(TMP, 'frame-'));
  const env = `XDG_STATE_HOME=${home} XDG_CONFIG_HOME=${home} NO_COLOR=1`;
  const floor = [];
  const ours = [];
  for (let i = 0; i < 7; i++) {
    floor.push(await firstFrame(`${process.execPath} ${hello}`, 'hello from ink'));
    ours.push(await firstFrame(`${env} ${process.execPath} ${ROOT}bin/runbook.js ${ROOT}runbook/supabase-operations.md`, 'Escalation Matrix'));
  }
  return [{ what: 'TUI first frame, bundled runbook (tmux 120×40)', value: median(ours), unit: 'ms', floor: median(floor), floorWhat: 'bare Ink app, same bundling', goal: '≤ 1.3× floor' }];
}
