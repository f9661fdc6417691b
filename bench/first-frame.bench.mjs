// TUI first frame under a real pty, beside a bare Ink app bundled the same way, alternated with a
// pause between runs so that neither inherits the other's warm-up.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { median, ROOT, TMP } from './lib.mjs';

export const name = 'TUI first frame';

/** Milliseconds from spawn to `expected` on a real pty (Python's pty module; no tmux start-up inside). */
function firstFrame(argv, expected, env) {
  const out = execFileSync('python3', [join(ROOT, 'bench/pty-first-frame.py'), expected, ...argv], { encoding: 'utf8', env });
  return Number(out.trim());
}

const pause = () => new Promise((r) => setTimeout(r, 300));

export async function run() {
  const hello = join(TMP, 'hello-ink.js');
  await build({
    entryPoints: [join(ROOT, 'bench/hello-ink.tsx')], outfile: hello, bundle: true, format: 'esm', platform: 'node', target: 'node20', logLevel: 'error',
    define: { 'process.env.NODE_ENV': '"production"' }, alias: { 'react-devtools-core': join(ROOT, 'scripts/stub-devtools.mjs') },
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
  const home = mkdtempSync(join(TMP, 'frame-'));
  const env = { ...process.env, XDG_STATE_HOME: home, XDG_CONFIG_HOME: home, XDG_CACHE_HOME: home, NO_COLOR: '1' };
  const floor = [];
  const ours = [];
  const seed = [process.execPath, `${ROOT}bin/runbook.js`, `${ROOT}runbook/supabase-operations.md`];
  firstFrame(seed, 'Escalation Matrix', env); // fills the parse cache, as any second start finds it
  for (let i = 0; i < 9; i++) {
    floor.push(firstFrame([process.execPath, hello], 'hello from ink', env));
    await pause();
    ours.push(firstFrame(seed, 'Escalation Matrix', env));
    await pause();
  }
  return [{ what: 'TUI first frame, bundled runbook (pty 120×40)', value: median(ours), unit: 'ms', floor: median(floor), floorWhat: 'bare bundled Ink app', goal: '≤ 1.25× floor' }];
}
