// `report` and `verify` as whole processes on sealed sessions of 25k/50k/100k/200k events (a fifth as many
// evidence files: 100k events hold 20k), printed as a curve: ms per 1,000 events at each size, and the
// cost of each added 1,000 events between one size and the next (flat when the growth is linear).
// Report beside verify of the same session, verify beside `sha256sum` of the same evidence files;
// the three alternate run by run and the medians are shown.
// BENCH_GROWTH_SIZES=25000,50000 picks the sizes, BENCH_GROWTH_RUNS the runs per size (default 3).
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { generateSession } from './generate-session.mjs';
import { ROOT, TMP, median, measureProcessCpu } from './lib.mjs';

export const name = 'report and verify growth';

const sizes = () => (process.env.BENCH_GROWTH_SIZES ? process.env.BENCH_GROWTH_SIZES.split(',').map(Number) : [25_000, 50_000, 100_000, 200_000]);

export async function run() {
  const runs = Number(process.env.BENCH_GROWTH_RUNS ?? 3);
  const points = [];
  for (const events of sizes()) {
    const home = mkdtempSync(join(TMP, 'growth-'));
    try {
      const { dir, files } = await generateSession(home, events, Math.floor(events / 5));
      const env = { ...process.env, XDG_STATE_HOME: join(home, 'state'), XDG_CONFIG_HOME: join(home, 'config'), RUNBOOK_SIGNER: 'bench@example.com', NO_COLOR: '1' };
      const cli = (args) => measureProcessCpu(process.execPath, [`${ROOT}bin/runbook.js`, ...args], { env });
      const verify = [];
      const report = [];
      const sha = [];
      for (let i = 0; i < runs; i++) {
        verify.push(cli(['verify', dir]));
        report.push(cli(['report', dir, '--out', join(home, 'report.md')]));
        sha.push(measureProcessCpu('sh', ['-c', 'ls | xargs sha256sum > /dev/null'], { cwd: join(dir, 'evidence') }));
      }
      points.push({
        events,
        files,
        verify: median(verify.map((r) => r.ms)),
        report: median(report.map((r) => r.ms)),
        sha: median(sha.map((r) => r.ms)),
        verifyCpu: median(verify.map((r) => r.cpuMs)),
        reportCpu: median(report.map((r) => r.cpuMs)),
        shaCpu: median(sha.map((r) => r.cpuMs)),
        reportMb: median(report.map((r) => r.peakMb)),
      });
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }
  return rowsOf(points);
}

/** ms per 1,000 events at a size, and per 1,000 events added since the size before. */
function curve(points, key) {
  return points.map((p, i) => {
    const perK = p[key] / (p.events / 1000);
    const before = points[i - 1];
    const added = before ? (p[key] - before[key]) / ((p.events - before.events) / 1000) : undefined;
    return `${perK.toFixed(1)} ms per 1k${added === undefined ? '' : `, +${added.toFixed(1)} per added 1k`}`;
  });
}

// Wall time is the figure; CPU time (user + system) is in the labels, steadier when the machine is shared.
function rowsOf(points) {
  const rows = [];
  const verifyCurve = curve(points, 'verifyCpu');
  const reportCurve = curve(points, 'reportCpu');
  const cpu = (value, floor) => `CPU ${value.toFixed(0)} ms${floor ? `, ${(value / floor).toFixed(2)}×` : ""}`;
  points.forEach((p, i) => {
    const k = `${p.events / 1000}k`;
    rows.push({ what: `verify, ${k} events / ${p.files / 1000}k files (${cpu(p.verifyCpu, p.shaCpu)}; CPU ${verifyCurve[i]})`, value: p.verify, unit: 'ms', floor: p.sha, floorWhat: 'sha256sum of the same files', goal: '≤ 3×' });
    rows.push({ what: `report, ${k} events (${cpu(p.reportCpu, p.verifyCpu)}; CPU ${reportCurve[i]}; peak ${p.reportMb.toFixed(0)} MB)`, value: p.report, unit: 'ms', floor: p.verify, floorWhat: 'verify of the same session', goal: 'linear; ≤ 2× verify' });
  });
  if (points.length > 1) {
    const first = points[0];
    const last = points[points.length - 1];
    const growth = (key) => last[key] / last.events / (first[key] / first.events);
    const span = `${first.events / 1000}k → ${last.events / 1000}k events`;
    const goal = `linear: ≤ 1× (quadratic: ${(last.events / first.events).toFixed(0)}×)`;
    rows.push({ what: `report, CPU time per event, ${span}`, value: growth('reportCpu'), unit: '×', floor: growth('verifyCpu'), floorUnit: '×', floorWhat: 'the same for verify', goal });
    rows.push({ what: `report, wall time per event, ${span}`, value: growth('report'), unit: '×', floor: growth('verify'), floorUnit: '×', floorWhat: 'the same for verify', goal });
  }
  return rows;
}
