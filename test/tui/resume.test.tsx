// Resume: an interrupted session comes back where it stopped, with what it had recorded.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Session } from '../../src/session/session.js';
import { SEED } from '../helpers/cli.js';
import { freshHome, startTestSession } from '../helpers/session.js';
import { renderTui } from '../helpers/tui.js';

describe('resume', () => {
  it('restores statuses, notes and remembered values, lands on the last step, and marks the cut-off action interrupted', async () => {
    const home = freshHome();
    const where = { runbook: SEED, section: 'rls-misconfiguration' };
    const first = startTestSession(home.env);
    first.setStepStatus({ ...where, step: 'rls-misconfiguration/1' }, 'done');
    first.setPlaceholder({ ...where, step: 'rls-misconfiguration/2.1' }, 'tablename', 'ebooks', false);
    first.note({ ...where, step: 'rls-misconfiguration/2.1' }, 'anon_read looks wrong');
    first.record('action.started', { ...where, step: 'rls-misconfiguration/2.1', action: 'rls-misconfiguration/2.1#1', kind: 'sql', code: 'select 1' });
    // The laptop slept and the terminal died: no event, just a stale lock.
    first.log.close();
    const { session, events } = Session.resume(first.dir);
    const tui = await renderTui({ resume: { session, events } });
    const frame = await tui.waitFor('last run');
    expect(frame).toContain('RLS Misconfiguration › step 2.1');
    expect(frame).toContain('✎ anon_read looks wrong');
    expect(frame).toMatch(/last run \(\d\d:\d\d:\d\d UTC\): interrupted .*r runs it again/);
    expect(frame).not.toContain('needs: tablename');
    expect(frame).toContain(`session ${first.id.slice(0, 15)}`);
    const log = readFileSync(join(first.dir, 'session.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    // Resumed on the sandbox where it stopped on prod: the log says so before anything runs.
    expect(log.slice(-2)).toMatchObject([{ type: 'resumed' }, { type: 'environment', env: 'sandbox' }]);
    await tui.press('\u001b');
    await tui.waitFor('RLS Misconfiguration  ');
    expect(tui.frame()).toMatch(/✓ 1\. Symptom/);
    tui.unmount();
    session.close();
  });
});

describe('big runbooks and plain terminals', () => {
  it('renders only the rows that fit, however many steps there are', async () => {
    const home = freshHome();
    const file = join(home.root, 'big.md');
    const steps = Array.from({ length: 600 }, (_, i) => `- step number ${i + 1}`).join('\n');
    writeFileSync(file, `# Big\n## Everything\n${steps}\n`);
    const tui = await renderTui({ file });
    await tui.press('\r');
    await tui.waitFor('step number 1');
    const lines = tui.frame().split('\n');
    expect(lines.length).toBeLessThan(30);
    expect(tui.frame()).toContain('more');
    for (let i = 0; i < 40; i++) await tui.press('j');
    expect(tui.frame()).toContain('step number 41');
    expect(tui.frame()).not.toContain('step number 1 ');
    tui.unmount();
  });

  it('uses no colour codes with NO_COLOR (set for every test here)', async () => {
    expect(process.env.NO_COLOR).toBe('1');
    const tui = await renderTui();
    expect(tui.frame()).not.toMatch(/\u001b\[3\dm/);
    tui.unmount();
  });
});
