// TUI first frame under a real pty, beside a bare Ink app bundled with the same esbuild flags and run
// with the same node flags. One Python process alternates the programs run by run (ABBA order, a
// pause between runs), so neither inherits the other's warm-up and a noisy neighbour hits both.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { bundleOptions, productionOptions } from '../scripts/bundleOptions.mjs';
import { median, ROOT, TMP } from './lib.mjs';

export const name = 'TUI first frame';

const RUNS = Number(process.env.FIRST_FRAME_RUNS) || 15;

/** The floor: bench/hello-ink.tsx bundled exactly as scripts/build.mjs bundles the program. */
async function buildFloor() {
  const outdir = join(TMP, 'floor');
  rmSync(outdir, { recursive: true, force: true });
  await build({ entryPoints: { hello: join(ROOT, 'bench/hello-ink.tsx') }, outdir, ...bundleOptions, ...productionOptions(ROOT), logLevel: 'error' });
  return join(outdir, 'hello.js');
}

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))];
};
const spread = (values) => `${median(values).toFixed(0)} ms (quartiles ${quantile(values, 0.25).toFixed(0)}–${quantile(values, 0.75).toFixed(0)}, fastest ${Math.min(...values).toFixed(0)}, n=${values.length})`;

/** Milliseconds to first frame for each program, run by run: `{ name: [ms, …] }`. */
export function measureFirstFrames(programs, { runs = RUNS, warmup = 1, pause = 0.3, env } = {}) {
  const spec = join(TMP, `first-frame-${process.pid}.json`);
  writeFileSync(spec, JSON.stringify({ runs, warmup, pause, programs }));
  try {
    return JSON.parse(execFileSync('python3', [join(ROOT, 'bench/pty-first-frame.py'), spec], { encoding: 'utf8', env, maxBuffer: 1 << 20 }));
  } finally {
    rmSync(spec, { force: true });
  }
}

export async function run() {
  const hello = await buildFloor();
  const home = mkdtempSync(join(TMP, 'frame-'));
  const env = { ...process.env, XDG_STATE_HOME: home, XDG_CONFIG_HOME: home, XDG_CACHE_HOME: home, TERM: 'xterm-256color' };
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  const node = process.execPath;
  const programs = [
    { name: 'floor', argv: [node, hello], marker: 'hello from ink' },
    // The seed's first frame ends with its footer; the frame is written in one piece, so the footer means all of it.
    { name: 'ours', argv: [node, join(ROOT, 'bin/runbook.js'), join(ROOT, 'runbook/supabase-operations.md')], marker: 'quit' },
    { name: 'node', argv: [node, '-e', "process.stdout.write('node ready')"], marker: 'node ready' },
  ];
  // The warm-up run of the program fills the parse cache, as any second start finds it.
  const times = measureFirstFrames(programs, { env });
  // The same again with a preload that notes the CPU time each process had used at its first frame.
  const log = join(home, 'cpu.log');
  const measured = programs.slice(0, 2);
  const withPreload = measured.map((p) => ({ ...p, argv: [p.argv[0], '--import', join(ROOT, 'bench/frame-cpu.mjs'), ...p.argv.slice(1)] }));
  measureFirstFrames(withPreload, { env: { ...env, FRAME_CPU_LOG: log, FRAME_CPU_MARKERS: measured.map((p) => p.marker).join('\t') }, warmup: 0 });
  const cpuLines = readFileSync(log, 'utf8').trim().split('\n').map((line) => line.split('\t'));
  const cpu = Object.fromEntries(measured.map((p) => [p.name, cpuLines.filter(([m]) => m === p.marker).map(([, ms]) => Number(ms))]));
  rmSync(home, { recursive: true, force: true });
  const ratios = times.ours.map((ms, i) => ms / times.floor[i]);
  process.stderr.write(
    `  first frame, seed runbook: ${spread(times.ours)}\n  bare bundled Ink: ${spread(times.floor)}\n  node -e 0 (writes one line): ${spread(times.node)}\n` +
      `  ratio run by run: median ${median(ratios).toFixed(2)}× (quartiles ${quantile(ratios, 0.25).toFixed(2)}–${quantile(ratios, 0.75).toFixed(2)})\n` +
      `  CPU time at the first frame: seed runbook ${spread(cpu.ours)}, bare Ink ${spread(cpu.floor)}, ratio ${(median(cpu.ours) / median(cpu.floor)).toFixed(2)}×\n`,
  );
  return [
    { what: 'TUI first frame, seed runbook (real pty 120×40)', value: median(times.ours), unit: 'ms', floor: median(times.floor), floorWhat: 'bare Ink app, same bundling', goal: '≤ 1.25× floor' },
    { what: 'TUI first frame, CPU time used by then', value: median(cpu.ours), unit: 'ms', floor: median(cpu.floor), floorWhat: 'bare Ink app, same bundling', goal: '≤ 1.25× floor' },
  ];
}
