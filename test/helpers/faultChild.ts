// A child process for fault tests, bundled by the test with esbuild and run under `ulimit -f` or as
// another user: `start ROOT NOTE_BYTES RUNBOOK` starts a session and records a note of that size;
// `evidence DIR` resumes a session and writes evidence. Prints the error's message, exits 1 on failure.
import { chmodSync, readFileSync } from 'node:fs';
import { Session } from '../../src/session/session.js';
import { loadSigner } from '../../src/session/signer.js';

const [command, target, size, runbookPath] = process.argv.slice(2);
try {
  if (command === 'start') {
    const session = Session.start({ runbook: { path: runbookPath!, bytes: readFileSync(runbookPath!), title: 'Seed' }, env: 'test', purpose: { kind: 'drill' }, root: target! });
    process.stdout.write(`dir ${session.dir}\n`);
    session.note({}, 'n'.repeat(Number(size)));
    session.close();
  } else if (command === 'seal') {
    // Start, then make the folder read-only before sealing: the sealed line fits in the log, the signature cannot be written.
    const session = Session.start({ runbook: { path: runbookPath!, bytes: readFileSync(runbookPath!), title: 'Seed' }, env: 'test', purpose: { kind: 'drill' }, root: target! });
    process.stdout.write(`dir ${session.dir}\n`);
    session.note({}, 'before the seal');
    const { signer } = loadSigner({ create: true });
    chmodSync(session.dir, 0o555);
    try {
      await session.seal(signer);
    } finally {
      chmodSync(session.dir, 0o700);
    }
  } else if (command === 'evidence') {
    const { session } = Session.resume(target!);
    const writer = session.evidenceWriter();
    writer.write('some output\n');
    session.record('action.output', { action: 'fault/1#1', run: 1, evidence: writer.finish() });
    session.close();
  }
} catch (error) {
  process.stdout.write(`error ${(error as Error).message}\n`);
  process.exit(1);
}
