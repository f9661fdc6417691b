// The sandbox: first creation and reopening (whole `runbook sandbox create` process), with peak memory.
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
  const floor = median([0, 1, 2].map(() => measureProcess(process.execPath, ['-e', '0']).ms));
  return [
    { what: 'sandbox first creation (whole process)', value: median(creates.map((r) => r.ms)), unit: 'ms', floor, floorWhat: 'node -e 0', goal: '≤ 5,000 ms' },
    { what: 'sandbox reopen (whole process)', value: median(reopens.map((r) => r.ms)), unit: 'ms', floor, floorWhat: 'node -e 0', goal: '≤ 1,000 ms' },
    { what: 'sandbox peak RSS, creation / reopen', value: Math.max(...creates.map((r) => r.peakMb)), unit: 'MB', floor: Math.max(...reopens.map((r) => r.peakMb)), floorUnit: 'MB', floorWhat: 'reopen', goal: 'reported' },
  ];
}
