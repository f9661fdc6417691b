// Child process for the kill -9 test: appends events as fast as it can and reports each seq once
// append() has returned, i.e. once the event is recorded.
import { readFileSync } from 'node:fs';
import { Session } from '../../dist/session.js';

const [root, runbook] = process.argv.slice(2);
const session = Session.start({
  runbook: { path: runbook, bytes: readFileSync(runbook), title: 'kill test' },
  env: 'local',
  purpose: { kind: 'routine' },
  root,
});
process.stdout.write(`dir ${session.dir}\n`);
for (let i = 0; ; i++) {
  // Lines of varying length, some large, so a kill can land in the middle of a write.
  const event = session.record('note', { text: `event ${i} ${'x'.repeat((i * 7919) % 20000)}` });
  process.stdout.write(`recorded ${event.seq}\n`);
}
