import { writeFileSync } from 'node:fs';
import { generateRunbook } from './generate-runbook.mjs';
import { ROOT, TMP, timeCommand } from './lib.mjs';

export const name = 'runbook list';

export function run() {
  const file = `${TMP}/generated-20000.md`;
  writeFileSync(file, generateRunbook(20_000));
  const floor = timeCommand(process.execPath, ['-e', '0']);
  const list = timeCommand(process.execPath, [`${ROOT}bin/runbook.js`, 'list', file, '--json']);
  return [
    { what: 'list --json, 20,000-line runbook (whole process)', value: list, unit: 'ms', floor, floorWhat: 'node -e 0', goal: '≤ 400 ms' },
  ];
}
