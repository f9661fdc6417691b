// A big sealed session, made in seconds: `events` events in all, `files` of them actions with their own
// evidence file (started, output, finished; every fourth a SQL query with a CSV result), the rest notes
// and step marks spread over the section's steps. Usage:
//   node bench/generate-session.mjs <home> <events> <files>   (prints the session folder)
// The session is started by the real Session API (so its first event is exactly what runbook writes);
// the other lines are written straight to the log with the same chain and hash functions, and the seal is
// the real `sealed` event and SSH signature. One write and one fsync at the end instead of one per event:
// only the writing is faster, and `runbook verify` accepts the result.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = new URL('..', import.meta.url).pathname;
const START = Date.parse('2026-11-24T03:10:00.000Z');
/** Time between two events: 200k events span about 11 hours, and the clock never jumps. */
const STEP_MS = 200;

export async function generateSession(home, total, files) {
  if (!Number.isInteger(total) || total < 3) throw new Error('events must be a whole number of at least 3');
  if (!Number.isInteger(files) || files < 0 || files * 3 > total - 3) throw new Error('files must be a whole number, at most (events - 3) / 3');
  const { Session, loadSigner, sha256Hex, signMessage, fingerprint, LOG_FILE, SIG_FILE, EVIDENCE_DIR } = await import(pathToFileURL(`${ROOT}dist/session.js`).href);
  const env = { ...process.env, XDG_CONFIG_HOME: join(home, 'config'), XDG_STATE_HOME: join(home, 'state'), RUNBOOK_SIGNER: 'bench@example.com' };
  const { signer } = loadSigner({ create: true, env });

  const runbook = `${ROOT}runbook/supabase-operations.md`;
  let clock = START;
  const session = Session.start({
    runbook: { path: runbook, bytes: readFileSync(runbook), title: 'Supabase Operations Runbook' },
    section: { id: 'weekly', title: 'Weekly' },
    env: 'local',
    purpose: { kind: 'routine', title: 'growth bench' },
    root: join(home, 'state', 'runbook', 'sessions'),
    operator: 'bench',
    host: 'bench-host',
    now: () => new Date(clock),
  });
  const dir = session.dir;
  const head = readFileSync(join(dir, LOG_FILE));
  session.close();

  // Everything after the first line, chained exactly as SessionLog.append chains it.
  const chunks = [head];
  let prev = sha256Hex(head.subarray(0, head.length - 1));
  let seq = 1;
  const append = (type, fields) => {
    clock += STEP_MS;
    const event = { seq, ts: new Date(clock).toISOString(), type, prev, ...fields };
    const line = Buffer.from(JSON.stringify(event), 'utf8');
    chunks.push(line, NEWLINE);
    prev = sha256Hex(line);
    return seq++;
  };
  const evidence = (text) => {
    const bytes = Buffer.from(text, 'utf8');
    const sha256 = sha256Hex(bytes);
    writeFileSync(join(dir, EVIDENCE_DIR, sha256), bytes, { mode: 0o600 });
    return { sha256, size: bytes.length };
  };

  const budget = total - 2; // the started event is written, the sealed one comes last
  const actionEvery = files ? Math.floor(budget / files) : Infinity;
  const steps = 12;
  let actions = 0;
  for (let n = 0; n < budget; n++) {
    const where = { runbook, section: 'weekly', step: `weekly/${1 + (n % steps)}` };
    if (actions < files && n % actionEvery === 0 && budget - n >= 3) {
      actions++;
      const action = `${where.step}#${actions}`;
      if (actions % 4 === 0) {
        const code = `select id, name, size from storage.objects where bucket_id = 'b${actions}'`;
        const run = append('action.started', { ...where, action, kind: 'sql', code, line: 120, env: 'local', tier: 'read' });
        const rows = Array.from({ length: 25 }, (_, r) => `${actions * 100 + r},"object ${r}, of run ${actions}",${r * 1024}`);
        const ref = evidence(`id,name,size\n${rows.join('\n')}\n`);
        append('action.output', { ...where, action, run, statement: 1, evidence: ref, command: 'SELECT', columns: ['id', 'name', 'size'], rows: 25, durationMs: 4 });
        append('action.finished', { ...where, action, run, status: 'ok', durationMs: 5, rows: 25 });
      } else {
        const run = append('action.started', { ...where, action, kind: 'shell', code: `supabase db dump --project-ref ref${actions}`, line: 65, env: 'local', tier: 'read' });
        const lines = Array.from({ length: 40 }, (_, r) => `run ${actions} line ${r}: a command's output, padded to look like a log line`);
        const ref = evidence(`${lines.join('\n')}\n`);
        append('action.output', { ...where, action, run, stream: 'combined', evidence: ref, lines: 40 });
        append('action.finished', { ...where, action, run, status: 'ok', exitCode: 0, durationMs: 12 });
      }
      n += 2;
    } else if (n % 7 === 0) append('step', { ...where, status: n % 49 === 0 ? 'skipped' : 'done', ...(n % 49 === 0 ? { reason: 'not needed this week' } : {}) });
    else append('note', { ...where, text: `note ${n}: checked the dashboards, nothing unusual` });
  }
  append('sealed', { signer: signer.identity, key: signer.publicLine, fingerprint: fingerprint(signer.key), events: seq + 1, head: prev });

  const log = Buffer.concat(chunks);
  const fd = openSync(join(dir, LOG_FILE), 'w');
  try {
    for (let written = 0; written < log.length; ) written += writeSync(fd, log, written, log.length - written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  writeFileSync(join(dir, SIG_FILE), await signMessage(log, signer.key, signer.sign), { mode: 0o644 });
  return { dir, events: seq, files: actions };
}

const NEWLINE = Buffer.from('\n');

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [home, events, files] = process.argv.slice(2);
  if (!home || !events || files === undefined) {
    process.stderr.write('usage: node bench/generate-session.mjs <home> <events> <files>\n');
    process.exit(2);
  }
  try {
    mkdirSync(home, { recursive: true });
    const { dir } = await generateSession(home, Number(events), Number(files));
    process.stdout.write(`${dir}\n`);
  } catch (error) {
    process.stderr.write(`generate-session: ${error.message}\n`);
    process.exit(2);
  }
}
