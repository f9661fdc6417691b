// Incident coordination in the TUI: `u` types a status update, `E` escalates from the runbook's
// escalation section, `V` changes severity (shown in the status bar), and a runbook changed since the
// last session shows its model diff before a session starts on it.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveEnvironment } from '../../src/exec/environment.js';
import { parseRunbook } from '../../src/runbook/parse.js';
import { SessionController } from '../../src/session/controller.js';
import { freshHome } from '../helpers/session.js';
import { KEY, renderTui } from '../helpers/tui.js';

const RUNBOOK = `# Ops

## Check
1. Look at the dashboard
2. Count the errors

## Escalation Matrix
- Level 1: Database steward on rotation.
- Level 2: Platform lead (schema/infra decisions).
`;

function project(text: string) {
  const home = freshHome();
  const dir = join(home.root, 'project');
  mkdirSync(dir);
  writeFileSync(join(dir, 'runbook.config.json'), JSON.stringify({ environments: { dev: { databaseUrl: 'postgres://ops:tui-pw-7d1c@db.invalid/app' } } }));
  const file = join(dir, 'ops.md');
  writeFileSync(file, text);
  return { home, dir, file, env: resolveEnvironment({ cwd: dir, processEnv: { PATH: process.env.PATH } }) };
}

describe('incident keys in the TUI', () => {
  it('escalates, changes severity and posts an update, each an event, with the status bar showing the incident state', async () => {
    const p = project(RUNBOOK);
    const tui = await renderTui({ file: p.file, env: p.env, cwd: p.dir, purpose: { kind: 'incident', id: 'INC-3', severity: '2' } });
    await tui.press(KEY.enter);
    await tui.waitFor('Look at the dashboard');
    await tui.press('E');
    const dialog = await tui.waitFor('Escalation Matrix');
    expect(dialog).toContain('Level 2: Platform lead');
    expect(dialog).toMatch(/beside step 1: Look at the dashboard/);
    tui.store.getState().answer('Level 2: Platform lead (schema/infra decisions).');
    await tui.waitFor('Note (optional):');
    await tui.press('paging Mei, pw tui-pw-7d1c\r');
    await tui.waitFor('escalated to Level 2');
    await tui.press('V');
    await tui.waitFor('New severity (now 2):');
    await tui.press('1\r');
    await tui.waitFor('sev 1');
    await tui.press('u');
    await tui.waitFor('Update:');
    await tui.press('rolled back the deploy\r');
    await tui.waitFor('Update recorded.');
    const events = tui.events();
    expect(events.find((e) => e.type === 'escalated')).toMatchObject({ level: 'Level 2: Platform lead (schema/infra decisions).', note: expect.stringMatching(/^paging Mei, pw /), step: 'check/1' });
    expect(JSON.stringify(events)).not.toContain('tui-pw-7d1c');
    expect(events.find((e) => e.type === 'severity')).toMatchObject({ from: '2', to: '1' });
    expect(events.find((e) => e.type === 'update')).toMatchObject({ kind: 'update', text: 'rolled back the deploy' });
    tui.unmount();
  });

  it('says so when the runbook has no escalation section', async () => {
    const p = project('# Ops\n## Check\n1. Look\n');
    const tui = await renderTui({ file: p.file, env: p.env, cwd: p.dir, purpose: { kind: 'incident' } });
    await tui.press(KEY.enter);
    await tui.waitFor('Look');
    await tui.press('E');
    await tui.waitFor('This runbook has no escalation section');
    expect(tui.events()).toEqual([]);
    tui.unmount();
  });

  it('shows what changed since the last session before starting one, and records the previous SHA', async () => {
    const p = project(RUNBOOK);
    const sessionRoot = join(p.home.state, 'runbook', 'sessions');
    const before = new SessionController({ env: p.env, cwd: p.dir, purpose: { kind: 'drill' }, signer: { env: p.home.env }, sessionRoot });
    before.useRunbook({ file: p.file, runbook: parseRunbook(RUNBOOK), bytes: Buffer.from(RUNBOOK) });
    await before.ensureSession();
    const first = await before.seal();
    const changed = RUNBOOK.replace('2. Count the errors', '2. Count the errors per minute\n3. Page the steward');
    writeFileSync(p.file, changed);

    const tui = await renderTui({ file: p.file, env: p.env, cwd: p.dir, purpose: { kind: 'drill' }, sessionRoot, signer: { env: p.home.env } });
    await tui.press(KEY.enter);
    await tui.waitFor('Look at the dashboard');
    await tui.press('n');
    const dialog = await tui.waitFor('The runbook changed since your last session');
    expect(dialog).toContain('~ 2. Count the errors per minute');
    expect(dialog).toContain('+ 3. Page the steward');
    tui.store.getState().answer('yes');
    await tui.waitFor('Note:');
    await tui.press('read the changes\r');
    await tui.waitFor('Note recorded.');
    const firstSha = JSON.parse(readFileSync(join(first.dir, 'session.jsonl'), 'utf8').split('\n')[0]!).runbook.sha256;
    expect(tui.events()[0]).toMatchObject({ type: 'started', previousSha256: firstSha });
    tui.unmount();
  });
});
