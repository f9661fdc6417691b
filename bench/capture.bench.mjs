// Capturing a 50 MB command output into evidence, beside the shell writing it to a file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { median, measureProcess, ROOT, TMP } from './lib.mjs';

export const name = 'output capture';

const MB = 50;
// Deterministic, cheap to make, and line-shaped like real output.
const COMMAND = `yes 'INFO request served in 12ms status=200 path=/api/v1/ebooks user=4711 region=eu-west-1' | head -c ${MB * 1024 * 1024}`;

export function run() {
  const home = mkdtempSync(join(TMP, 'capture-'));
  const env = { ...process.env, XDG_CONFIG_HOME: join(home, 'config'), XDG_STATE_HOME: join(home, 'state'), RUNBOOK_SIGNER: 'bench@example.com', NO_COLOR: '1' };
  const runbook = join(home, 'capture.md');
  writeFileSync(runbook, `# Capture\n## Big output\n\`\`\`sh\n${COMMAND}\n\`\`\`\n`);
  const ours = [0, 1, 2].map(() => measureProcess(process.execPath, [`${ROOT}bin/runbook.js`, 'exec', runbook, '--section', 'big-output'], { env: { ...env }, cwd: home }));
  const floor = [0, 1, 2].map(() => measureProcess('sh', ['-c', `${COMMAND} > ${join(home, 'out.txt')}`]));
  rmSync(home, { recursive: true, force: true });
  const oursMs = median(ours.map((r) => r.ms));
  const floorMs = median(floor.map((r) => r.ms));
  return [
    { what: `capture ${MB} MB output: throughput (exec, whole process)`, value: (MB * 1000) / oursMs, unit: 'MB/s', floor: (MB * 1000) / floorMs, floorWhat: "sh -c 'cmd > file'", goal: 'byte-exact' },
    { what: `capture ${MB} MB output: peak RSS`, value: Math.max(...ours.map((r) => r.peakMb)), unit: 'MB', floor: Math.max(...floor.map((r) => r.peakMb)), floorWhat: "sh -c 'cmd > file'", goal: '< 200 MB' },
  ];
}
