// Each screen's behaviour: what it shows, and what it writes to the session log.
import { describe, expect, inject, it } from 'vitest';
import { resolveEnvironment } from '../../src/exec/environment.js';
import { KEY, renderTui } from '../helpers/tui.js';

const databaseUrl = inject('databaseUrl');
const incident = { kind: 'incident' as const, id: 'INC-4711', severity: '1' };

async function openRls(tui: Awaited<ReturnType<typeof renderTui>>) {
  await tui.press('/', 'r', 'l', 's', KEY.enter, KEY.enter);
  await tui.waitFor('RLS Misconfiguration  ');
}

describe('Home', () => {
  it('shows the section tree with step counts, and a footer with its keys', async () => {
    const tui = await renderTui();
    const frame = tui.frame();
    // No database configured: the sandbox, said plainly.
    expect(frame).toContain('Supabase Operations Runbook ·  SANDBOX  · no session yet');
    expect(frame).toMatch(/❯ Purpose {2}0\/2 steps/);
    expect(frame).toMatch(/ {4}RLS Misconfiguration {2}0\/7 steps/);
    expect(frame).toContain('Enter open  / filter  e environment  Esc back  ? help  q quit');
    tui.unmount();
  });

  it('filters sections and steps as you type, the cursor on the section whose title matches', async () => {
    const tui = await renderTui();
    await tui.press('/', 'r', 'l', 's');
    const frame = tui.frame();
    expect(frame).toContain('/ rls');
    expect(frame).toMatch(/❯ +RLS Misconfiguration/);
    expect(frame).not.toContain('Escalation Matrix');
    await tui.press(KEY.escape);
    expect(tui.frame()).toContain('Escalation Matrix');
    tui.unmount();
  });
});

describe('Section', () => {
  it('lists the checklist with sub-steps, action markers and progress; d marks a step done in the log', async () => {
    const tui = await renderTui({ purpose: incident });
    await openRls(tui);
    expect(tui.frame()).toMatch(/○ 2\.1\. Audit affected table policies .*\[sql\]/);
    expect(tui.frame()).toContain('0/7');
    await tui.press('d');
    await tui.waitFor('1/7');
    expect(tui.frame()).toMatch(/✓ 1\. Symptom/);
    expect(tui.events().find((e) => e.type === 'step')).toMatchObject({ step: 'rls-misconfiguration/1', status: 'done', section: 'rls-misconfiguration' });
    expect(tui.events()[0]).toMatchObject({ type: 'started', purpose: incident, section: { id: 'rls-misconfiguration' } });
    tui.unmount();
  });

  it('asks why a step is skipped and records the reason, and the first line of a note', async () => {
    const tui = await renderTui({ purpose: incident });
    await openRls(tui);
    await tui.press('s');
    await tui.waitFor('Why?');
    await tui.press('n', 'o', 't', ' ', 'n', 'e', 'e', 'd', 'e', 'd', KEY.enter);
    await tui.waitFor('marked skipped');
    await tui.press(KEY.up, 'n');
    await tui.waitFor('Note:');
    await tui.press('l', 'o', 'o', 'k', 's', ' ', 'o', 'd', 'd', KEY.enter);
    await tui.waitFor('✎ looks odd');
    const events = tui.events();
    expect(events.find((e) => e.type === 'step')).toMatchObject({ status: 'skipped', reason: 'not needed' });
    expect(events.find((e) => e.type === 'note')).toMatchObject({ text: 'looks odd', step: 'rls-misconfiguration/1' });
    tui.unmount();
  });
});

describe('Step', () => {
  it('asks for a placeholder once, runs the query, shows the result table, and records it all', async () => {
    const tui = await renderTui({ purpose: incident, databaseUrl });
    await openRls(tui);
    await tui.press(KEY.down, KEY.down, KEY.enter);
    await tui.waitFor('needs: tablename');
    await tui.press('r');
    await tui.waitFor('tablename:');
    await tui.press('e', 'b', 'o', 'o', 'k', 's', KEY.enter);
    const frame = await tui.waitFor('✓ ok · 2 rows');
    expect(frame).toMatch(/schemaname │ tablename │ policyname/);
    expect(frame).toMatch(/public +│ ebooks +│ anon_read/);
    const types = tui.events().map((e) => e.type);
    expect(types).toEqual(['started', 'placeholder', 'action.started', 'action.output', 'action.finished']);
    expect(tui.events()[2]).toMatchObject({ code: "select * from pg_policies where tablename = 'ebooks'" });
    // Remembered: a second run asks nothing.
    await tui.press('r');
    await tui.waitFor(/Done\./);
    expect(tui.events().filter((e) => e.type === 'placeholder')).toHaveLength(1);
    tui.unmount();
  });

  it('keeps a value pasted together with Enter', async () => {
    const tui = await renderTui({ purpose: incident, databaseUrl });
    await openRls(tui);
    await tui.press(KEY.down, KEY.down, KEY.enter, 'r');
    await tui.waitFor('tablename:');
    await tui.press('ebooks\r');
    await tui.waitFor('✓ ok · 2 rows');
    expect(tui.events().find((e) => e.type === 'placeholder')).toMatchObject({ name: 'tablename', value: 'ebooks' });
    tui.unmount();
  });

  it('masks a secret placeholder and records only that it was set', async () => {
    const file = `${process.cwd()}/test/fixtures/secret.md`;
    // A shell step: the local environment, no sandbox database to create first.
    const tui = await renderTui({ purpose: incident, file, env: resolveEnvironment({ name: 'local', processEnv: { PATH: process.env.PATH } }) });
    await tui.press(KEY.enter, KEY.enter);
    await tui.press('r');
    await tui.waitFor('api_token:');
    await tui.press('s', '3', 'c', 'r', 'e', 't');
    expect(tui.frame()).toContain('api_token: ••••••');
    expect(tui.frame()).not.toContain('s3cret');
    await tui.press(KEY.enter);
    await tui.waitFor('✓ ok');
    const placeholder = tui.events().find((e) => e.type === 'placeholder');
    expect(placeholder).toMatchObject({ name: 'api_token', secret: true, value: 'set' });
    expect(JSON.stringify(tui.events())).not.toContain('s3cret');
    expect(tui.frame()).toContain('token=[REDACTED:known-secret]');
    tui.unmount();
  });

  it('asks to confirm a writing statement, shows it, and records a refusal when declined', async () => {
    const file = `${process.cwd()}/test/fixtures/write.md`;
    const tui = await renderTui({ purpose: incident, file, databaseUrl });
    await tui.press(KEY.enter, KEY.enter, 'r');
    const frame = await tui.waitFor('This action changes things');
    expect(frame).toContain("update jobs set status = 'paused' where id = 4");
    expect(frame).toContain('• changes rows (UPDATE)');
    await tui.press('n');
    await tui.waitFor('Not run: you declined.');
    expect(tui.events().at(-1)).toMatchObject({ type: 'action.refused', reason: 'the operator declined to run it' });
    tui.unmount();
  });

  it('needs the name of a protected environment typed before the first action', async () => {
    const env = { ...resolveEnvironment({ processEnv: { DATABASE_URL: databaseUrl } }), name: 'prod', protected: true };
    const tui = await renderTui({ purpose: incident, env });
    expect(tui.frame()).toMatch(/ PROD .*/);
    await openRls(tui);
    await tui.press(KEY.down, KEY.down, KEY.enter, 'r');
    await tui.waitFor('Type prod to confirm');
    await tui.press('d', 'e', 'v', KEY.enter);
    await tui.waitFor('"dev" is not prod: nothing was run.');
    expect(tui.events().map((e) => e.type)).toEqual(['started']);
    await tui.press('r');
    await tui.waitFor('Type prod to confirm');
    await tui.press('p', 'r', 'o', 'd', KEY.enter);
    await tui.waitFor('tablename:');
    expect(tui.events().at(-1)).toMatchObject({ type: 'confirmed', what: 'environment', env: 'prod', via: 'typed' });
    tui.unmount();
  });

  it('cancels a running command with x, not the app', async () => {
    const file = `${process.cwd()}/test/fixtures/slow.md`;
    const tui = await renderTui({ purpose: incident, file, env: resolveEnvironment({ name: 'local', processEnv: { PATH: process.env.PATH } }) });
    await tui.press(KEY.enter, KEY.enter, 'r');
    await tui.waitFor('running shell');
    expect(tui.frame()).toContain('x or Ctrl-C cancels');
    await tui.waitFor('tick 1');
    await tui.press('x');
    await tui.waitFor('✗ cancelled', 15_000);
    expect(tui.events().find((e) => e.type === 'action.finished')).toMatchObject({ status: 'cancelled' });
    expect(tui.store.getState().exit).toBe(false);
    tui.unmount();
  });
});

describe('Finish and help', () => {
  it('q on an open session asks; finishing seals it and shows the summary with the verify command', async () => {
    const tui = await renderTui({ purpose: incident });
    await openRls(tui);
    await tui.press('d');
    await tui.waitFor('1/7');
    await tui.press('q');
    await tui.waitFor('Finish: seal the session');
    await tui.press(KEY.enter);
    const frame = await tui.waitFor('Session sealed and signed.');
    expect(frame).toContain('Steps: 1 done · 0 skipped · 0 failed · 0 actions run');
    expect(frame).toMatch(/Verify: (?:npx )?runbook verify \d{8}-\d{6}-rls-misconfiguration-[0-9a-f]{4}/);
    expect(tui.events().at(-1)).toMatchObject({ type: 'sealed' });
    tui.unmount();
  });

  it('? shows every screen\'s keys', async () => {
    const tui = await renderTui();
    await tui.press('?');
    const frame = await tui.waitFor('runbook: keys');
    expect(frame).toMatch(/Step: r run · x\/\^C cancel run · d done · s skip/);
    await tui.press(KEY.escape);
    await tui.waitFor('Purpose');
    tui.unmount();
  });
});
