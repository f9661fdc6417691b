// `runbook list` and the picker at scale. A 20,000-line runbook parsed and read back from the cache;
// folders of 300 and 3,000 runbooks: `list DIR --json` with a cold and a warm parse cache beside
// `node -e 0` plus the same reads (and parses) done in one process, the cost of each added file from
// 300 to 1,500 and from 1,500 to 3,000 runbooks (equal on a straight line), and the picker's first
// frame in a real pty beside a bare Ink app, alternated with a pause between runs.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { measureFirstFrames } from './first-frame.bench.mjs';
import { generateFolder } from './generate-folder.mjs';
import { generateRunbook } from './generate-runbook.mjs';
import { median, ROOT, TMP, timeCommand } from './lib.mjs';

export const name = 'runbook list and the picker';

const SIZES = [300, 3000];
const RUNS = 7;
const pause = () => new Promise((r) => setTimeout(r, 300));

const bundle = (entry, outfile) =>
  build({
    entryPoints: [join(ROOT, entry)], outfile, bundle: true, format: 'esm', platform: 'node', target: 'node20', logLevel: 'error',
    define: { 'process.env.NODE_ENV': '"production"' }, alias: { 'react-devtools-core': join(ROOT, 'scripts/stub-devtools.mjs') },
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });

/** Wall time (ms) of one run of the CLI. */
function once(args, env) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [`${ROOT}bin/runbook.js`, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env });
  if (result.status !== 0) throw new Error(`runbook ${args.join(' ')} failed: ${result.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Milliseconds from spawn to `marker` on a real pty (bench/pty-first-frame.py). */
/** Milliseconds from spawn to `marker` on a real pty, one run (the first-frame bench's pty runner). */
const firstFrame = (argv, marker, env) => measureFirstFrames([{ name: 'it', argv, marker }], { runs: 1, warmup: 0, pause: 0.3, env }).it[0];

export async function run() {
  const rows = [];
  const home = mkdtempSync(join(TMP, 'list-'));
  const base = { ...process.env, XDG_STATE_HOME: home, XDG_CONFIG_HOME: home, NO_COLOR: '1' };
  const node0 = timeCommand(process.execPath, ['-e', '0']);

  // One large runbook.
  const file = `${TMP}/generated-20000.md`;
  writeFileSync(file, generateRunbook(20_000));
  const warmEnv = { ...base, XDG_CACHE_HOME: mkdtempSync(join(TMP, 'cache-')) };
  const args = [`${ROOT}bin/runbook.js`, 'list', file, '--json'];
  rows.push({ what: 'list --json, 20,000-line runbook, first parse (whole process)', value: timeCommand(process.execPath, args, { env: { ...base, RUNBOOK_NO_CACHE: '1' } }), unit: 'ms', floor: node0, floorWhat: 'node -e 0', goal: '' });
  rows.push({ what: 'list --json, 20,000-line runbook, parsed before (whole process)', value: timeCommand(process.execPath, args, { env: warmEnv }), unit: 'ms', floor: node0, floorWhat: 'node -e 0', goal: '≤ 400 ms' });

  // Folders.
  const floorScript = join(TMP, 'parse-folder.mjs');
  await bundle('bench/parse-folder.ts', floorScript);
  const inProcess = (dir, mode) => median(Array.from({ length: 5 }, () => Number(execFileSync(process.execPath, [floorScript, dir, mode], { encoding: 'utf8' }).trim())));
  // `list DIR --json`, cold (a new, empty cache each run) and warm (the cache the run before filled); the
  // sizes alternate within each round, so a change in the machine's load falls on all of them alike.
  const sizes = [300, 1500, 3000];
  const dirs = Object.fromEntries(sizes.map((size) => [size, generateFolder(join(TMP, `folder-${size}`), size)]));
  const caches = Object.fromEntries(sizes.map((size) => [size, mkdtempSync(join(TMP, 'cache-'))]));
  for (const size of sizes) once(['list', dirs[size], '--json'], { ...base, XDG_CACHE_HOME: caches[size] });
  const samples = Object.fromEntries(sizes.map((size) => [size, { cold: [], warm: [] }]));
  for (let i = 0; i < RUNS; i++) {
    for (const size of sizes) {
      const cache = mkdtempSync(join(TMP, 'cache-'));
      samples[size].cold.push(once(['list', dirs[size], '--json'], { ...base, XDG_CACHE_HOME: cache }));
      rmSync(cache, { recursive: true, force: true });
      samples[size].warm.push(once(['list', dirs[size], '--json'], { ...base, XDG_CACHE_HOME: caches[size] }));
    }
  }
  const times = Object.fromEntries(sizes.map((size) => [size, { cold: median(samples[size].cold), warm: median(samples[size].warm) }]));
  for (const size of SIZES) {
    const reads = inProcess(dirs[size], 'read');
    const parse = inProcess(dirs[size], 'parse');
    const n = size.toLocaleString('en');
    const goal = `≤ 3× node -e 0 + parse = ${(3 * node0 + parse).toFixed(0)} ms`;
    rows.push({ what: `list DIR --json, ${n} runbooks, cold cache`, value: times[size].cold, unit: 'ms', floor: node0 + parse, floorWhat: `node -e 0 + parse ${parse.toFixed(0)} ms`, goal });
    rows.push({ what: `list DIR --json, ${n} runbooks, warm cache`, value: times[size].warm, unit: 'ms', floor: node0 + reads, floorWhat: `node -e 0 + sync reads ${reads.toFixed(0)} ms`, goal });
  }
  // The curve: the cost of each added file from 1,500 to 3,000 runbooks beside that from 300 to 1,500
  // (start-up and the parser's load cancel out); a straight line gives 1×, a quadratic one 2×.
  for (const kind of ['cold', 'warm']) {
    const early = (times[1500][kind] - times[300][kind]) / 1200;
    const late = (times[3000][kind] - times[1500][kind]) / 1500;
    rows.push({ what: `list DIR, cost per added file, ${kind} cache: 1,500→3,000 vs 300→1,500`, value: late * 1000, unit: 'µs/file', floor: early * 1000, floorWhat: 'from 300 to 1,500', goal: 'linear: ≈ 1×' });
  }

  // The picker's first frame, alternated with a bare Ink app, a pause between runs.
  const hello = join(TMP, 'hello-ink-list.js');
  await bundle('bench/hello-ink.tsx', hello);
  const env = { ...base, XDG_CACHE_HOME: mkdtempSync(join(TMP, 'cache-')) };
  const frames = { floor: [], ...Object.fromEntries(SIZES.map((s) => [s, []])) };
  for (const size of SIZES) firstFrame([process.execPath, `${ROOT}bin/runbook.js`, `${join(TMP, `folder-${size}`)}/`], 'Pick a runbook', env);
  for (let i = 0; i < 9; i++) {
    frames.floor.push(firstFrame([process.execPath, hello], 'hello from ink', env));
    await pause();
    for (const size of SIZES) {
      frames[size].push(firstFrame([process.execPath, `${ROOT}bin/runbook.js`, `${join(TMP, `folder-${size}`)}/`], 'Pick a runbook', env));
      await pause();
    }
  }
  for (const size of SIZES) {
    rows.push({ what: `picker first frame, ${size.toLocaleString('en')} runbooks (pty 120×40)`, value: median(frames[size]), unit: 'ms', floor: median(frames.floor), floorWhat: 'bare bundled Ink app', goal: '≤ 2× floor' });
  }
  for (const dir of [...Object.values(dirs), ...Object.values(caches), home, warmEnv.XDG_CACHE_HOME, env.XDG_CACHE_HOME]) rmSync(dir, { recursive: true, force: true });
  return rows;
}
