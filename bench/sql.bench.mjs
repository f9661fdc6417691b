// SQL: a 1,000,000-row result through `runbook exec`: first page on screen, full export to evidence,
// peak memory; beside psql's \copy of the same rows to a file.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { median, measureProcess, ROOT, TMP } from './lib.mjs';

export const name = 'SQL export';

async function cluster() {
  const out = join(TMP, 'postgres-helper.mjs');
  await build({ entryPoints: [join(ROOT, 'test/helpers/postgres.ts')], outfile: out, bundle: true, platform: 'node', format: 'esm', logLevel: 'error' });
  return (await import(out)).startCluster();
}

function firstPage(env, runbook, cwd) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, [`${ROOT}bin/runbook.js`, 'exec', runbook, '--section', 'export'], { env, cwd });
    let out = '';
    let first;
    child.stdout.on('data', (d) => {
      out += d;
      if (first === undefined && out.includes('─┼─')) first = performance.now() - start;
    });
    child.on('exit', (code) => (code === 0 ? resolve({ first, total: performance.now() - start }) : reject(new Error(`exec failed: ${out}`))));
  });
}

export async function run() {
  const pg = await cluster();
  try {
    spawnSync(join(pg.bin, 'psql'), [pg.url, '-qc', "create table big as select g as id, md5(g::text) as token, now() - g * interval '1 second' as at from generate_series(1, 1000000) g"], { stdio: 'ignore' });
    const home = mkdtempSync(join(TMP, 'sql-'));
    const env = { ...process.env, DATABASE_URL: pg.url, XDG_STATE_HOME: home, XDG_CONFIG_HOME: home, RUNBOOK_SIGNER: 'bench@example.com', NO_COLOR: '1' };
    const runbook = join(home, 'export.md');
    writeFileSync(runbook, '# Export\n## Export\n```sql\nselect * from big\n```\n');
    const pages = [];
    for (let i = 0; i < 3; i++) pages.push(await firstPage(env, runbook, home));
    const peak = measureProcess(process.execPath, [`${ROOT}bin/runbook.js`, 'exec', runbook, '--section', 'export'], { env, cwd: home });
    const copy = [0, 1, 2].map(() => measureProcess(join(pg.bin, 'psql'), [pg.url, '-qc', `\\copy (select * from big) to '${join(home, 'big.csv')}' csv header`]));
    rmSync(home, { recursive: true, force: true });
    return [
      { what: '1M-row query: first page on screen (exec)', value: median(pages.map((p) => p.first)), unit: 'ms', floor: median(copy.map((c) => c.ms)), floorWhat: 'psql \\copy of all rows', goal: '' },
      { what: '1M-row query: full export to evidence (exec, whole process)', value: median(pages.map((p) => p.total)), unit: 'ms', floor: median(copy.map((c) => c.ms)), floorWhat: 'psql \\copy of all rows', goal: '' },
      { what: '1M-row query: peak RSS (exec)', value: peak.peakMb, unit: 'MB', floor: Math.max(...copy.map((c) => c.peakMb)), floorWhat: 'psql \\copy', goal: '< 250 MB' },
    ];
  } finally {
    pg.stop();
  }
}
