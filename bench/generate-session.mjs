// Generate a sealed session through the real Session API (dist/session.js): `events` events in all,
// `files` of them actions with an output evidence file (started, output, finished), the rest notes and
// step marks. Usage: node bench/generate-session.mjs <home> <events> <files>; prints the session folder.
// Only to make big logs quickly: fsync is a no-op in this process (what is measured reads them back).
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';

fs.fsyncSync = () => {};
fs.fdatasyncSync = () => {};
syncBuiltinESMExports();

const [home, eventsArg, filesArg] = process.argv.slice(2);
const total = Number(eventsArg);
const files = Number(filesArg);
const ROOT = new URL('..', import.meta.url).pathname;
const { Session, loadSigner } = await import(`${ROOT}dist/session.js`);
process.env.XDG_CONFIG_HOME = join(home, 'config');
process.env.XDG_STATE_HOME = join(home, 'state');
process.env.RUNBOOK_SIGNER = 'bench@example.com';

const runbook = `${ROOT}runbook/supabase-operations.md`;
const session = Session.start({ runbook: { path: runbook, bytes: fs.readFileSync(runbook), title: 'bench' }, env: 'local', purpose: { kind: 'routine' }, root: join(home, 'state', 'runbook', 'sessions') });
const where = { runbook, section: 'weekly', step: 'weekly/1' };
// Two events are already there (started) and one comes last (sealed).
const budget = total - 3;
const actionEvery = files ? Math.max(3, Math.floor(budget / files)) : Infinity;
let written = 0;
let actions = 0;
const body = Array.from({ length: 40 }, (_, i) => `row ${i} of a command's output, padded to look like a log line`).join('\n');
while (written < budget) {
  if (actions < files && written % actionEvery === 0 && budget - written >= 3) {
    actions++;
    const id = `weekly/1#${actions}`;
    const started = session.record('action.started', { ...where, action: id, kind: 'shell', code: `echo ${actions}`, line: 10, env: 'local' });
    const writer = session.evidenceWriter();
    writer.write(`action ${actions}\n${body}\n`);
    const ref = writer.finish();
    session.record('action.output', { ...where, action: id, run: started.seq, stream: 'combined', evidence: ref, lines: 41 });
    session.record('action.finished', { ...where, action: id, run: started.seq, status: 'ok', exitCode: 0, durationMs: 12 });
    written += 3;
  } else {
    if (written % 7 === 0) session.setStepStatus(where, 'done');
    else session.note(where, `note ${written}: checked the dashboards, nothing unusual`);
    written++;
  }
}
await session.seal(loadSigner({ create: true, env: process.env }).signer);
process.stdout.write(`${session.dir}\n`);
