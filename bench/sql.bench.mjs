// SQL export: the whole `runbook exec` of a one-query section that exports 1,000,000 rows into its
// evidence, beside `psql -c "\copy (query) to FILE csv header"` of the same query; alternated, medians,
// peak RSS of each (GNU time). The exec run's first page on screen is timed from the same runs, and
// the same rows read through the cursor (the path every other statement takes: here the query after
// a `select 1`, since two statements are never wrapped in COPY) show what COPY changed.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { median, ROOT, TMP } from './lib.mjs';

export const name = 'SQL export';

const RUNS = Number(process.env.BENCH_SQL_RUNS ?? 5);
const QUERY = 'select * from big';

async function cluster() {
  const out = join(TMP, 'postgres-helper.mjs');
  await build({ entryPoints: [join(ROOT, 'test/helpers/postgres.ts')], outfile: out, bundle: true, platform: 'node', format: 'esm', logLevel: 'error' });
  return (await import(out)).startCluster();
}

/** Wall time, peak RSS (MB) and, when `marker` shows on stdout, the time it first did. */
function timed(command, args, { env, cwd, marker } = {}) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn('/usr/bin/time', ['-f', '%M', command, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let first;
    child.stdout.on('data', (d) => {
      if (first !== undefined || !marker) return;
      out += d;
      if (out.includes(marker)) first = performance.now() - start;
      if (out.length > 1 << 16) out = out.slice(-4096);
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => {
      const ms = performance.now() - start;
      if (code !== 0) return reject(new Error(`${command} ${args.join(' ')} failed (${code}): ${err}`));
      resolve({ ms, first, peakMb: Number(err.trim().split('\n').pop()) / 1024 });
    });
  });
}

export async function run() {
  const pg = await cluster();
  const home = mkdtempSync(join(TMP, 'sql-'));
  try {
    spawnSync(join(pg.bin, 'psql'), [pg.url, '-qc', "create table big as select g as id, md5(g::text) as token, now() - g * interval '1 second' as at from generate_series(1, 1000000) g"], { stdio: 'ignore' });
    const env = { ...process.env, DATABASE_URL: pg.url, XDG_STATE_HOME: home, XDG_CONFIG_HOME: home, RUNBOOK_SIGNER: 'bench@example.com', NO_COLOR: '1' };
    const runbook = join(home, 'export.md');
    writeFileSync(runbook, `# Export\n## Export\n\`\`\`sql\n${QUERY}\n\`\`\`\n## Cursor\n\`\`\`sql\nselect 1 as warm; ${QUERY}\n\`\`\`\n`);
    const exec = () => timed(process.execPath, [`${ROOT}bin/runbook.js`, 'exec', runbook, '--section', 'export'], { env, cwd: home, marker: '─┼─' });
    const cursor = () => timed(process.execPath, [`${ROOT}bin/runbook.js`, 'exec', runbook, '--section', 'cursor'], { env, cwd: home });
    const copy = () => timed(join(pg.bin, 'psql'), [pg.url, '-qc', `\\copy (${QUERY}) to '${join(home, 'big.csv')}' csv header`]);
    // One of each first (the key, the page cache), then alternate with a short pause between runs.
    await exec();
    await copy();
    const execs = [];
    const copies = [];
    const cursors = [];
    for (let i = 0; i < RUNS; i++) {
      execs.push(await exec());
      await new Promise((r) => setTimeout(r, 300));
      copies.push(await copy());
      await new Promise((r) => setTimeout(r, 300));
      cursors.push(await cursor());
      await new Promise((r) => setTimeout(r, 300));
    }
    const floorMs = median(copies.map((c) => c.ms));
    const floorMb = median(copies.map((c) => c.peakMb));
    return [
      { what: '1M-row SQL result into evidence (`runbook exec`, whole process)', value: median(execs.map((e) => e.ms)), unit: 'ms', floor: floorMs, floorWhat: 'psql \\copy to a file', goal: '≤ 1.5× psql' },
      { what: '1M-row SQL result into evidence: peak RSS', value: median(execs.map((e) => e.peakMb)), unit: 'MB', floor: floorMb, floorWhat: 'psql \\copy', goal: '< 100 MB' },
      { what: '1M-row SQL result through the cursor instead (2 statements)', value: median(cursors.map((e) => e.ms)), unit: 'ms', floor: floorMs, floorWhat: 'psql \\copy to a file', goal: '' },
      { what: '1M-row SQL result: first page on screen (same runs)', value: median(execs.map((e) => e.first)), unit: 'ms', floor: floorMs, floorWhat: 'psql \\copy of all rows', goal: '' },
    ];
  } finally {
    rmSync(home, { recursive: true, force: true });
    pg.stop();
  }
}
