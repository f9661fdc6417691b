// exec of a shell-only section with no database configured (the sandbox must not start) beside the same
// with a database configured; verify of 100k events / 20k evidence files beside sha256sum of the files.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, TMP, median, measureProcess } from './lib.mjs';

export const name = 'lazy sandbox and evidence verify';

function cleanEnv(home, extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (k !== 'DATABASE_URL' && !k.startsWith('PG')) env[k] = v;
  return { ...env, XDG_STATE_HOME: join(home, 'state'), XDG_CONFIG_HOME: join(home, 'config'), RUNBOOK_SIGNER: 'bench@example.com', NO_COLOR: '1', ...extra };
}

export async function run() {
  const home = mkdtempSync(join(TMP, 'lazy-'));
  const project = join(home, 'project');
  mkdirSync(project);
  const file = join(project, 'shell.md');
  writeFileSync(file, '# Bench\n\n## Shell only\n\n1. Look\n   ```sh\n   echo hello\n   ```\n2. Look again\n   ```sh\n   uname -s\n   ```\n');
  const args = [`${ROOT}bin/runbook.js`, 'exec', file, '--section', 'Shell only'];
  const runs = (env) => Array.from({ length: 5 }, () => measureProcess(process.execPath, args, { env, cwd: project }));
  const noDb = runs(cleanEnv(home));
  const withDb = runs(cleanEnv(home, { DATABASE_URL: 'postgresql://bench@127.0.0.1:1/none' }));
  const sandboxStarted = readdirSync(join(home, 'state', 'runbook')).includes('sandbox');

  // 100,000 events with 20,000 evidence files, generated through the real Session API.
  const dir = execFileSync(process.execPath, [`${ROOT}bench/generate-session.mjs`, join(home, 'gen'), '100000', '20000'], { encoding: 'utf8' }).trim();
  const genEnv = cleanEnv(join(home, 'gen'));
  const verify = median(Array.from({ length: 3 }, () => measureProcess(process.execPath, [`${ROOT}bin/runbook.js`, 'verify', dir], { env: genEnv }).ms));
  const sha = median(Array.from({ length: 3 }, () => measureProcess('sh', ['-c', 'ls | xargs sha256sum > /dev/null'], { cwd: join(dir, 'evidence') }).ms));
  const chainOnly = median(Array.from({ length: 3 }, () => {
    const start = performance.now();
    spawnSync(process.execPath, ['-e', `import('${ROOT}dist/session.js').then((m) => m.verifySession(${JSON.stringify(dir)}, { evidence: false }))`], { stdio: 'ignore' });
    return performance.now() - start;
  }));
  rmSync(home, { recursive: true, force: true });
  return [
    { what: `exec, shell-only section, no DB configured${sandboxStarted ? ' (SANDBOX STARTED)' : ''}: time`, value: median(noDb.map((r) => r.ms)), unit: 'ms', floor: median(withDb.map((r) => r.ms)), floorWhat: 'same with a DB configured', goal: 'no sandbox started' },
    { what: 'exec, shell-only section, no DB configured: peak RSS', value: median(noDb.map((r) => r.peakMb)), unit: 'MB', floor: median(withDb.map((r) => r.peakMb)), floorWhat: 'same with a DB configured', goal: '< 150 MB' },
    { what: 'verify, 100k events / 20k evidence files', value: verify, unit: 'ms', floor: sha, floorWhat: 'sha256sum of the same files', goal: '≤ 3×' },
    { what: 'verify, same session, evidence not read (chain + signature)', value: chainOnly, unit: 'ms', floor: sha, floorWhat: 'sha256sum of the files', goal: '' },
  ];
}
