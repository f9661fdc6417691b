import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateRunbook } from './generate-runbook.mjs';
import { ROOT, TMP, timeCommand } from './lib.mjs';

export const name = 'runbook list';

export function run() {
  const file = `${TMP}/generated-20000.md`;
  writeFileSync(file, generateRunbook(20_000));
  const env = { ...process.env, XDG_CACHE_HOME: mkdtempSync(join(TMP, 'cache-')) };
  const floor = timeCommand(process.execPath, ['-e', '0']);
  const args = [`${ROOT}bin/runbook.js`, 'list', file, '--json'];
  const cold = timeCommand(process.execPath, args, { env: { ...env, RUNBOOK_NO_CACHE: '1' } });
  const warm = timeCommand(process.execPath, args, { env });
  return [
    { what: 'list --json, 20,000-line runbook, first parse (whole process)', value: cold, unit: 'ms', floor, floorWhat: 'node -e 0', goal: '' },
    { what: 'list --json, 20,000-line runbook, parsed before (whole process)', value: warm, unit: 'ms', floor, floorWhat: 'node -e 0', goal: '≤ 400 ms' },
  ];
}
