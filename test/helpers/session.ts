import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session, type StartSessionOptions } from '../../src/session/session.js';
import { loadSigner } from '../../src/session/signer.js';
import { SEED } from './cli.js';

/** A private XDG state and config home, as a fresh operator's machine has. */
export function freshHome(): { env: NodeJS.ProcessEnv; root: string; state: string; config: string } {
  const root = mkdtempSync(join(tmpdir(), 'runbook-home-'));
  const state = join(root, 'state');
  const config = join(root, 'config');
  return { root, state, config, env: { ...process.env, XDG_STATE_HOME: state, XDG_CONFIG_HOME: config, RUNBOOK_SIGNER: 'dana@example.com', NO_COLOR: '1' } };
}

/** A fixed clock: one second per event from a given start. */
export function fixedClock(start = '2026-11-24T03:10:00.000Z'): () => Date {
  let t = Date.parse(start);
  return () => new Date((t += 1000) - 1000);
}

export function startTestSession(env: NodeJS.ProcessEnv, overrides: Partial<StartSessionOptions> = {}): Session {
  return Session.start({
    runbook: { path: SEED, bytes: readFileSync(SEED), title: 'Supabase Operations Runbook' },
    section: { id: 'rls-misconfiguration', title: 'RLS Misconfiguration' },
    env: 'prod',
    purpose: { kind: 'incident', id: 'INC-4711', title: 'Customer sees another customer ebooks', severity: '1' },
    root: join(env.XDG_STATE_HOME!, 'runbook', 'sessions'),
    ...overrides,
  });
}

/** A sealed session with a note, a step, a placeholder and an evidence file. */
export async function sealedSession(env: NodeJS.ProcessEnv): Promise<Session> {
  const session = startTestSession(env);
  const where = { runbook: 'supabase-operations.md', section: 'rls-misconfiguration', step: 'rls-misconfiguration/2.1' };
  session.setPlaceholder(where, 'tablename', 'ebooks', false);
  const started = session.record('action.started', { ...where, action: 'a1', kind: 'sql', code: "select * from pg_policies where tablename = 'ebooks'" });
  const writer = session.evidenceWriter();
  writer.write('policyname,cmd\nowner_read,SELECT\nanon_read,SELECT\n');
  const evidence = writer.finish();
  session.record('action.output', { ...where, action: 'a1', run: started.seq, evidence });
  session.record('action.finished', { ...where, action: 'a1', run: started.seq, status: 'ok', rows: 2, durationMs: 12 });
  session.note(where, 'anon_read policy has USING (true): that is the leak');
  session.setStepStatus(where, 'done');
  await session.seal(loadSigner({ create: true, env }).signer);
  return session;
}

/** A fresh operator's machine and the project folder they run `runbook` from. */
export function freshProject(): { home: ReturnType<typeof freshHome>; project: string } {
  const home = freshHome();
  const project = join(home.root, 'project');
  mkdirSync(project);
  return { home, project };
}
