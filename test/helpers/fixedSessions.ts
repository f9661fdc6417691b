// Sessions with fixed times, ids, host and key, so their reports can be compared with golden files.
import type { RunStatus } from '../../src/session/events.js';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatPrivateKey, publicFromRaw, publicKeyLine } from '../../src/session/keys.js';
import { Session, type Purpose } from '../../src/session/session.js';
import { loadSigner } from '../../src/session/signer.js';
import { SEED } from './cli.js';
import { fixedClock } from './session.js';

/** A deterministic Ed25519 key in OpenSSH form, trusted in its own allowed_signers. */
export function fixedKey(dir: string): { keyPath: string; allowedSigners: string } {
  mkdirSync(dir, { recursive: true });
  const seed = Buffer.alloc(32, 7);
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  const raw = Buffer.from(createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })).export({ format: 'jwk' }).x!, 'base64url');
  const pub = publicFromRaw(raw);
  const keyPath = join(dir, 'golden_key');
  writeFileSync(keyPath, formatPrivateKey(seed, pub, 'dana@example.com'), { mode: 0o600 });
  const allowedSigners = join(dir, 'allowed_signers');
  writeFileSync(allowedSigners, `dana@example.com namespaces="runbook-session" ${publicKeyLine(pub, '')}\n`);
  return { keyPath, allowedSigners };
}

export function fixedSession(root: string, id: string, purpose: Purpose, section = { id: 'rls-misconfiguration', title: 'RLS Misconfiguration' }, secrets: string[] = [], target?: Record<string, unknown>): Session {
  return Session.start({
    id,
    host: 'ops-laptop',
    operator: 'dana',
    root,
    now: fixedClock('2026-11-24T03:10:00.000Z'),
    runbook: { path: SEED, bytes: readFileSync(SEED), title: 'Supabase Operations Runbook' },
    section,
    env: 'prod',
    ...(target ? { target } : {}),
    purpose,
    secrets,
  });
}

/** Record an action the way the runners do, with fixed figures and the given output. */
export function recordAction(session: Session, where: { section: string; step: string }, action: { id: string; kind: 'shell' | 'sql'; code: string; output: Buffer | string | ((write: (chunk: string) => void) => void); status?: RunStatus; exitCode?: number; rows?: number; error?: string }): void {
  const started = session.record('action.started', { ...where, action: action.id, kind: action.kind, code: session.redact(action.code).text, line: 1, env: 'prod' });
  const writer = session.evidenceWriter();
  if (typeof action.output === 'function') action.output((chunk) => writer.write(chunk));
  else writer.write(action.output);
  const evidence = writer.finish();
  session.record('action.output', { ...where, action: action.id, run: started.seq, evidence, ...(action.rows !== undefined ? { rows: action.rows, command: 'SELECT' } : {}) });
  session.record('action.finished', {
    ...where, action: action.id, run: started.seq, status: action.status ?? 'ok', durationMs: 1234,
    ...(action.exitCode !== undefined ? { exitCode: action.exitCode } : {}), ...(action.rows !== undefined ? { rows: action.rows } : {}), ...(action.error ? { error: action.error } : {}),
  });
}

export async function sealWith(session: Session, keyPath: string, env: NodeJS.ProcessEnv): Promise<void> {
  await session.seal(loadSigner({ keyPath, identity: 'dana@example.com', env }).signer);
}
