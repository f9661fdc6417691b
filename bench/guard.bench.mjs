// Guard cost per action: the first judged action pays for loading the parsers (libpg-query and
// sh-syntax WASM); later ones are warm. Each first use is measured in a fresh process.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { ROOT, TMP } from './lib.mjs';

export const name = 'guard';

const PROBE = `
import { judgeAction } from '${ROOT}src/exec/guard/judge.ts';
const env = { name: 'local', protected: false, vars: { DATABASE_URL: 'postgresql://x' }, supabase: {}, secrets: [], cwd: process.cwd(), timeouts: { shellSeconds: 1, sqlSeconds: 1 } };
const action = (kind, code) => ({ kind, code, line: 1, placeholders: [] });
const kind = process.argv[2];
const actions = kind === 'sql'
  ? [action('sql', "select * from pg_policies where tablename = 'users'"), action('sql', 'with d as (delete from jobs returning *) select count(*) from d; commit'), action('sql', 'select query, calls from pg_stat_statements order by total_exec_time desc limit 10')]
  : [action('shell', 'kubectl -n prod get pods | grep -v Running'), action('shell', 'psql "$DATABASE_URL" -X -c "select count(*) from jobs" && find /tmp -name x -delete'), action('shell', 'cat <<EOF | psql "$DATABASE_URL"\\nselect 1;\\nEOF')];
let t = performance.now();
await judgeAction(actions[0], env, {});
const first = performance.now() - t;
const warm = [];
for (let i = 0; i < 60; i++) {
  const a = actions[i % actions.length];
  t = performance.now();
  await judgeAction(a, env, {});
  warm.push(performance.now() - t);
}
warm.sort((a, b) => a - b);
console.log(JSON.stringify({ first, warm: warm[warm.length >> 1] }));
`;

export async function run() {
  writeFileSync(`${TMP}/guard-probe.ts`, PROBE);
  await build({ entryPoints: [`${TMP}/guard-probe.ts`], outfile: `${TMP}/guard-probe.mjs`, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'error' });
  const measure = (kind) => {
    const firsts = [];
    const warms = [];
    for (let i = 0; i < 5; i++) {
      const out = spawnSync(process.execPath, [`${TMP}/guard-probe.mjs`, kind], { encoding: 'utf8', cwd: ROOT });
      if (out.status !== 0) throw new Error(out.stderr);
      const { first, warm } = JSON.parse(out.stdout);
      firsts.push(first);
      warms.push(warm);
    }
    const med = (v) => v.sort((a, b) => a - b)[v.length >> 1];
    return { first: med(firsts), warm: med(warms) };
  };
  const sql = measure('sql');
  const shell = measure('shell');
  return [
    { what: 'guard, first SQL action (loads libpg-query)', value: sql.first, unit: 'ms', goal: '≤ 250 ms, once per process' },
    { what: 'guard, SQL action, warm (median)', value: sql.warm * 1000, unit: 'µs', goal: '≤ 5,000 µs' },
    { what: 'guard, first shell action (loads sh-syntax and libpg-query)', value: shell.first, unit: 'ms', goal: '≤ 250 ms, once per process' },
    // sh-syntax starts a fresh Go WASM instance for every parse: most of the warm shell cost.
    { what: 'guard, shell action, warm (median)', value: shell.warm, unit: 'ms', goal: '≤ 20 ms' },
  ];
}
