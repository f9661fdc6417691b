// report and verify at 25k/50k/100k/200k events (a fifth of them in actions with evidence), printed as a
// curve: each size's ms per 1,000 events shows whether the growth is linear, and report/verify per size.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, TMP, median, measureProcess } from './lib.mjs';

export const name = 'report and verify growth';

export async function run() {
  const rows = [];
  const sizes = process.env.BENCH_GROWTH_SIZES ? process.env.BENCH_GROWTH_SIZES.split(',').map(Number) : [25_000, 50_000, 100_000, 200_000];
  for (const events of sizes) {
    const home = mkdtempSync(join(TMP, 'growth-'));
    const dir = execFileSync(process.execPath, [`${ROOT}bench/generate-session.mjs`, home, String(events), String(events / 5)], { encoding: 'utf8' }).trim();
    const env = { ...process.env, XDG_STATE_HOME: join(home, 'state'), XDG_CONFIG_HOME: join(home, 'config'), RUNBOOK_SIGNER: 'bench@example.com', NO_COLOR: '1' };
    const time = (args) => median(Array.from({ length: 3 }, () => measureProcess(process.execPath, [`${ROOT}bin/runbook.js`, ...args], { env }).ms));
    const verify = time(['verify', dir]);
    const report = time(['report', dir, '--out', join(home, 'report.md')]);
    const k = events / 1000;
    rows.push({ what: `report, ${k}k events (${(report / k).toFixed(1)} ms per 1k)`, value: report, unit: 'ms', floor: verify, floorWhat: `verify of the same, ${(verify / k).toFixed(1)} ms per 1k`, goal: 'linear; ≤ 2× verify' });
    rmSync(home, { recursive: true, force: true });
  }
  return rows;
}
