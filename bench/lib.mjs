// Helpers for benchmarks: whole-process timings and medians. Benchmarks print; they never assert.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const TMP = `${ROOT}bench/.tmp`;
mkdirSync(TMP, { recursive: true });

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median wall time (ms) of running a command to completion, after one warm-up run. */
export function timeCommand(command, args, { runs = 9, env = process.env } = {}) {
  const once = () => {
    const start = process.hrtime.bigint();
    const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  once();
  return median(Array.from({ length: runs }, once));
}

/** Wall time and peak RSS (MB) of one run, measured by GNU time. */
export function measureProcess(command, args, { env = process.env, cwd } = {}) {
  const start = process.hrtime.bigint();
  const result = spawnSync('/usr/bin/time', ['-f', '%M', command, ...args], { env, cwd, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0 && result.status !== 1) throw new Error(`${command} failed: ${result.stderr}`);
  const kb = Number(result.stderr.trim().split('\n').pop());
  return { ms, peakMb: kb / 1024 };
}

/** Wall time, CPU time (user + system, ms) and peak RSS (MB) of one run: on a loaded machine CPU time is the steadier figure. */
export function measureProcessCpu(command, args, { env = process.env, cwd } = {}) {
  const start = process.hrtime.bigint();
  const result = spawnSync('/usr/bin/time', ['-f', '%U %S %M', command, ...args], { env, cwd, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0 && result.status !== 1) throw new Error(`${command} failed: ${result.stderr}`);
  const [user, system, kb] = result.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { ms, cpuMs: (user + system) * 1000, peakMb: kb / 1024 };
}
