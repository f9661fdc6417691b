// The sandbox: a new one (a copy of the template `npm run build` prepared) against reopening an existing
// one, each a whole `runbook sandbox create` process, with peak memory. The one-time template build is
// measured on its own.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { measureProcess, median, ROOT, TMP } from './lib.mjs';

export const name = 'sandbox';

export function run() {
  const creates = [];
  const reopens = [];
  for (let i = 0; i < 3; i++) {
    const home = mkdtempSync(join(TMP, 'sandbox-'));
    const env = { ...process.env, XDG_STATE_HOME: home, XDG_CONFIG_HOME: home };
    const args = [`${ROOT}bin/runbook.js`, 'sandbox', 'create'];
    creates.push(measureProcess(process.execPath, args, { env }));
    reopens.push(measureProcess(process.execPath, args, { env }));
    rmSync(home, { recursive: true, force: true });
  }
  const reopen = median(reopens.map((r) => r.ms));
  return [
    { what: 'a new sandbox, first query possible (whole process)', value: median(creates.map((r) => r.ms)), unit: 'ms', floor: reopen, floorWhat: 'reopen', goal: '≤ 2× reopen' },
    { what: 'a new sandbox, peak RSS', value: Math.max(...creates.map((r) => r.peakMb)), unit: 'MB', floor: Math.max(...reopens.map((r) => r.peakMb)), floorUnit: 'MB', floorWhat: 'reopen', goal: '< 400 MB' },
  ];
}
