// `runbook sessions`: every session in two lines that fit 80 columns, with what it was for.
import { describe, expect, it } from 'vitest';
import { purposeText, sessionLines } from '../../src/commands/sessions.js';
import type { SessionSummary } from '../../src/session/catalog.js';
import { runCli } from '../helpers/cli.js';
import { freshHome, startTestSession } from '../helpers/session.js';

const summary = (over: Partial<SessionSummary>): SessionSummary => ({
  id: '20261125-034701-availability-latency-degradation-ab12',
  path: '/x',
  status: 'interrupted',
  env: 'production-eu-west',
  section: 'Availability / Latency Degradation',
  runbookTitle: 'Supabase Operations Runbook',
  purpose: { kind: 'incident', id: 'INC-4711', severity: '1', title: 'Customers see each other\u001b[31m ebooks after the 03:00 deploy' },
  start: '2026-11-25T03:47:01.000Z',
  end: '2026-11-25T04:29:00.000Z',
  events: 40,
  ...over,
});

describe('runbook sessions', () => {
  it('fits 80 columns with the id whole and the purpose shown', () => {
    const lines = sessionLines([summary({}), summary({ status: 'sealed', purpose: { kind: 'routine' }, env: 'dev' })], 80);
    for (const line of lines) {
      expect(`${line.id}  ${line.status}  ${line.rest}`.trimEnd().length).toBeLessThanOrEqual(80);
      expect([...line.detail].length).toBeLessThanOrEqual(80);
      expect(line.detail).not.toMatch(/\u001b/);
    }
    expect(lines[0]!.id).toBe('20261125-034701-availability-latency-degradation-ab12');
    expect(lines[0]!.detail).toMatch(/^ {2}incident INC-4711 · sev 1 · Customers see each other/);
    expect(lines[0]!.rest).toMatch(/^production-/);
    expect(sessionLines([summary({ id: '20261125-034701-rls-ab12' })], 80)[0]!.rest).toBe('production-eu-west  42 min');
    expect(lines[1]!.detail).toMatch(/^ {2}routine check · Availability/);
  });

  it('names every purpose kind, and says when none was recorded', () => {
    expect(purposeText({ kind: 'drill', title: 'Q4 restore' })).toBe('drill · Q4 restore');
    expect(purposeText({ kind: 'routine' })).toBe('routine check');
    expect(purposeText(undefined)).toBe('purpose not recorded');
  });

  it('prints no line wider than 80 columns for real sessions', () => {
    const home = freshHome();
    const s = startTestSession(home.env, { env: 'staging' });
    s.interrupt('closed');
    const out = runCli(['sessions'], { env: home.env });
    expect(out.code).toBe(0);
    const lines = out.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80);
    expect(lines[0]).toMatch(/^\d{8}-\d{6}-rls-misconfiguration-[0-9a-f]{4} +interrupted +staging/);
    expect(lines[1]).toContain('incident INC-4711 · sev 1');
  });
});
