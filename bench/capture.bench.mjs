// 50 MB of command output into evidence, the way: the whole `runbook exec` of a section whose one
// shell step writes 50 MB, with no database configured (so no sandbox may start: checked), beside
// `sh -c 'the same command > file'`. The two alternate with a pause between runs; medians, peak RSS beside.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { median, ROOT, TMP } from './lib.mjs';

export const name = 'output capture';

const MB = 50;
const RUNS = Number(process.env.BENCH_CAPTURE_RUNS) || 5;
const PAUSE_MS = 500;
// Deterministic, cheap to make, and line-shaped like real output.
const COMMAND = `yes 'INFO request served in 12ms status=200 path=/api/v1/ebooks user=4711 region=eu-west-1' | head -c ${MB * 1024 * 1024}`;

/** No database anywhere in the environment: exec must not start the sandbox. */
function cleanEnv(home) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (k !== 'DATABASE_URL' && !k.startsWith('PG')) env[k] = v;
  return { ...env, HOME: home, XDG_CONFIG_HOME: join(home, 'config'), XDG_STATE_HOME: join(home, 'state'), XDG_CACHE_HOME: join(home, 'cache'), RUNBOOK_SIGNER: 'bench@example.com', NO_COLOR: '1' };
}

/** Wall time, peak RSS and CPU time (user + sys, which a loaded machine inflates less than wall time) of one run. */
function measureProcess(command, args, { env = process.env, cwd } = {}) {
  const start = process.hrtime.bigint();
  const result = spawnSync('/usr/bin/time', ['-f', '%M %U %S', command, ...args], { env, cwd, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr}`);
  const [kb, user, sys] = result.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { ms, peakMb: kb / 1024, cpuMs: (user + sys) * 1000 };
}

const pause = () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, PAUSE_MS);

function sha256File(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

export function run() {
  const home = mkdtempSync(join(TMP, 'capture-'));
  const project = join(home, 'project');
  mkdirSync(project);
  const env = cleanEnv(home);
  const runbook = join(project, 'capture.md');
  writeFileSync(runbook, `# Capture\n\n## Big output\n\n\`\`\`sh\n${COMMAND}\n\`\`\`\n\n## One line\n\n\`\`\`sh\necho one line\n\`\`\`\n`);
  const exec = (section) => measureProcess(process.execPath, [`${ROOT}bin/runbook.js`, 'exec', runbook, '--section', section], { env, cwd: project });
  const floorFile = join(home, 'out.txt');
  const floor = () => measureProcess('sh', ['-c', `${COMMAND} > ${floorFile}`]);

  // Warm-up, not counted: the first exec creates the signing key, the first floor warms the page cache.
  exec('one-line');
  floor();
  const ours = [];
  const floors = [];
  const fixed = [];
  const nodeAlone = [];
  for (let i = 0; i < RUNS; i++) {
    pause();
    ours.push(exec('big-output'));
    pause();
    floors.push(floor());
    pause();
    fixed.push(exec('one-line'));
    pause();
    nodeAlone.push(measureProcess(process.execPath, ['-e', '0']));
  }

  const sessions = join(home, 'state', 'runbook', 'sessions');
  const expected = sha256File(floorFile);
  const exact = readdirSync(sessions).filter((s) => s.includes('big-output')).every((s) => existsSync(join(sessions, s, 'evidence', expected)));
  const sandboxStarted = existsSync(join(home, 'state', 'runbook', 'sandbox'));
  rmSync(home, { recursive: true, force: true });

  const checks = `${exact ? 'byte-exact' : 'EVIDENCE DIFFERS'}${sandboxStarted ? ', SANDBOX STARTED' : ', no sandbox'}, load ${loadavg()[0].toFixed(1)}`;
  const ms = (runs) => median(runs.map((r) => r.ms));
  const rss = (runs) => median(runs.map((r) => r.peakMb));
  const cpu = (runs) => median(runs.map((r) => r.cpuMs));
  return [
    { what: `capture ${MB} MB of output (exec, whole process; ${checks})`, value: ms(ours), unit: 'ms', floor: ms(floors), floorWhat: "sh -c 'cmd > file'", goal: '≤ 3×' },
    { what: `capture ${MB} MB of output: CPU time (user + sys)`, value: cpu(ours), unit: 'ms', floor: cpu(floors), floorWhat: "sh -c 'cmd > file'", goal: '' },
    { what: `capture ${MB} MB of output: peak RSS`, value: rss(ours), unit: 'MB', floor: rss(floors), floorWhat: "sh -c 'cmd > file'", goal: '< 200 MB' },
    { what: 'exec of a one-line section (the fixed part of the row above)', value: ms(fixed), unit: 'ms', floor: ms(nodeAlone), floorWhat: 'node -e 0', goal: '' },
    { what: 'exec of a one-line section: CPU time (user + sys)', value: cpu(fixed), unit: 'ms', floor: cpu(nodeAlone), floorWhat: 'node -e 0', goal: '' },
  ];
}
