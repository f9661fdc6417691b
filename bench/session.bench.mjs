// Session log: events per second with fsync beside a raw write+fsync loop; verify of 100,000 events.
import { spawnSync } from 'node:child_process';
import { closeSync, fsyncSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, TMP, median } from './lib.mjs';

export const name = 'session log';

const { Session, loadSigner } = await import(`${ROOT}dist/session.js`);

function rawLoop(dir, n) {
  const fd = openSync(join(dir, 'raw.jsonl'), 'w');
  const line = Buffer.from(`${JSON.stringify({ seq: 1, ts: new Date().toISOString(), type: 'note', prev: '0'.repeat(64), text: 'x'.repeat(80) })}\n`);
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    writeSync(fd, line);
    fsyncSync(fd);
  }
  const ms = performance.now() - start;
  closeSync(fd);
  return (n / ms) * 1000;
}

function sessionLoop(root, n) {
  const runbook = `${ROOT}runbook/supabase-operations.md`;
  const session = Session.start({ runbook: { path: runbook, bytes: readFileSync(runbook), title: 'bench' }, env: 'local', purpose: { kind: 'routine' }, root });
  const start = performance.now();
  for (let i = 0; i < n; i++) session.record('note', { step: 'weekly/1', text: 'x'.repeat(80) });
  const ms = performance.now() - start;
  return { rate: (n / ms) * 1000, session };
}

export async function run() {
  const home = mkdtempSync(join(TMP, 'session-'));
  const env = { ...process.env, XDG_CONFIG_HOME: join(home, 'config'), XDG_STATE_HOME: join(home, 'state'), RUNBOOK_SIGNER: 'bench@example.com' };
  const root = join(home, 'sessions');
  const raw = median([0, 1, 2].map(() => rawLoop(home, 2000)));
  const appended = median([0, 1, 2].map(() => {
    const { rate, session } = sessionLoop(root, 2000);
    session.close();
    return rate;
  }));

  // 100,000 events, sealed, then `runbook verify` as a whole process.
  const { session } = sessionLoop(root, 99_998);
  await session.seal(loadSigner({ create: true, env }).signer);
  const times = [0, 1, 2, 3, 4].map(() => {
    const start = performance.now();
    const result = spawnSync(process.execPath, [`${ROOT}bin/runbook.js`, 'verify', session.dir], { env, stdio: 'ignore' });
    if (result.status !== 0) throw new Error('verify failed on the bench session');
    return performance.now() - start;
  });
  const floor = median([0, 1, 2].map(() => {
    const start = performance.now();
    spawnSync('sha256sum', [join(session.dir, 'session.jsonl')], { stdio: 'ignore' });
    return performance.now() - start;
  }));
  rmSync(home, { recursive: true, force: true });
  return [
    { what: 'session events appended with fsync', value: appended, unit: 'events/s', floor: raw, floorWhat: 'raw write+fsync loop', goal: '≥ 2,000 events/s' },
    { what: 'runbook verify, 100,000-event sealed session', value: median(times), unit: 'ms', floor, floorWhat: 'sha256sum of the log', goal: '≤ 1,000 ms' },
  ];
}
