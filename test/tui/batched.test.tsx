// Several keys in one read (slow SSH, tmux, a fast typist): every key counts, in order, on every
// screen and dialog; one Enter has one effect.
import { describe, expect, inject, it } from 'vitest';
import { KEY, renderTui } from '../helpers/tui.js';

const databaseUrl = inject('databaseUrl');
const incident = { kind: 'incident' as const, id: 'INC-4711', severity: '1' };
const cursorRow = (frame: string) => frame.split('\n').find((l) => l.includes('❯'))?.trim();

describe('batched keys', () => {
  it('Home: jjj in one read moves three rows, k in the same read back one', async () => {
    const tui = await renderTui();
    await tui.press('jjj');
    expect(cursorRow(tui.frame())).toMatch(/^❯ +Tooling & References/);
    await tui.press('jjjk');
    expect(cursorRow(tui.frame())).toMatch(/^❯ +Daily/);
    await tui.press(`${KEY.down}${KEY.down}${KEY.up}`);
    expect(cursorRow(tui.frame())).toMatch(/^❯ +Weekly/);
    tui.unmount();
  });

  it('filter: one Enter keeps the filter and nothing else; the next opens the section', async () => {
    const tui = await renderTui();
    await tui.press('/rls\r');
    expect(tui.store.getState()).toMatchObject({ filtering: false, filter: 'rls', screen: { name: 'home' } });
    expect(tui.frame()).toMatch(/^\/ rls$/m);
    await tui.press('\r');
    expect(tui.store.getState().screen).toMatchObject({ name: 'section', sectionId: 'rls-misconfiguration' });
    tui.unmount();
  });

  it('filter: the whole sequence in one read opens the section once, and letters typed into the filter are not commands', async () => {
    const tui = await renderTui({ purpose: incident });
    // `d`, `s` and `q` are commands elsewhere: inside the filter they are text.
    await tui.press('/misconfig\r\r');
    await tui.waitFor('RLS Misconfiguration  ');
    expect(tui.store.getState().history).toHaveLength(1);
    expect(tui.events()).toEqual([]);
    await tui.press('/dsq');
    expect(tui.frame()).toContain('/ dsq');
    expect(tui.events()).toEqual([]);
    await tui.press(`${KEY.backspace}${KEY.backspace}${KEY.backspace}1\r`);
    expect(tui.store.getState().filter).toBe('1');
    tui.unmount();
  });

  it('Section: dd in one read marks two steps done, in order', async () => {
    const tui = await renderTui({ purpose: incident });
    await tui.press('/rls\r\r');
    await tui.press('dd');
    await tui.waitFor('2/7');
    const steps = tui.events().filter((e) => e.type === 'step').map((e) => e.step);
    expect(steps).toEqual(['rls-misconfiguration/1', 'rls-misconfiguration/2']);
    tui.unmount();
  });

  it('purpose dialog: Down Down Enter in one read chooses Routine check', async () => {
    const tui = await renderTui();
    await tui.press('/rls\r\r');
    await tui.press('d');
    await tui.waitFor('Start a session: what is it for?');
    await tui.press(`${KEY.down}${KEY.down}${KEY.enter}`);
    await tui.waitFor('marked done');
    expect(tui.events()[0]).toMatchObject({ type: 'started', purpose: { kind: 'routine' } });
    tui.unmount();
  });

  it('purpose dialog: keys typed ahead of the dialog land in it, not on the screen under it', async () => {
    const tui = await renderTui();
    await tui.press('/rls\r\r');
    await tui.press(`d${KEY.down}${KEY.enter}`);
    await tui.waitFor('marked done');
    expect(tui.events()[0]).toMatchObject({ type: 'started', purpose: { kind: 'drill' } });
    expect(tui.events().filter((e) => e.type === 'step')).toHaveLength(1);
    tui.unmount();
  });

  it('text dialogs: an incident id, a severity and a note typed ahead in one read', async () => {
    const tui = await renderTui();
    await tui.press('/rls\r\r');
    await tui.press(`n${KEY.enter}INC-9\r2\rlooks odd\r`);
    await tui.waitFor('Note recorded.');
    expect(tui.events()[0]).toMatchObject({ purpose: { kind: 'incident', id: 'INC-9', severity: '2' } });
    expect(tui.events().find((e) => e.type === 'note')).toMatchObject({ text: 'looks odd' });
    tui.unmount();
  });

  it('Step: r and the placeholder value typed ahead run the query with that value', async () => {
    const tui = await renderTui({ purpose: incident, databaseUrl });
    await tui.press('/rls\r\r');
    await tui.press(`jj\rrebooks\r`);
    await tui.waitFor('✓ ok · 2 rows');
    expect(tui.events().find((e) => e.type === 'placeholder')).toMatchObject({ name: 'tablename', value: 'ebooks' });
    tui.unmount();
  });

  it('confirm dialog: a y typed ahead of the question never confirms a write; a key pressed while it shows does', async () => {
    const file = `${process.cwd()}/test/fixtures/write.md`;
    const tui = await renderTui({ purpose: incident, file, databaseUrl });
    await tui.press('\r\rry');
    await tui.waitFor('Keys typed before this question were ignored');
    expect(tui.events().filter((e) => String(e.type).startsWith('action.'))).toEqual([]);
    // A paste of "y" is not an answer either.
    await tui.press('\u001b[200~y\u001b[201~');
    expect(tui.events().filter((e) => String(e.type).startsWith('action.'))).toEqual([]);
    await tui.press('n');
    await tui.waitFor('Not run: you declined.');
    expect(tui.events().at(-1)).toMatchObject({ type: 'action.refused' });
    tui.unmount();
  });

  it('a paste on a list screen is not read as commands', async () => {
    const tui = await renderTui({ purpose: incident });
    await tui.press('/rls\r\r');
    await tui.press('\u001b[200~ddq\u001b[201~');
    expect(tui.frame()).toContain('Pasted text is only taken in a text field');
    expect(tui.events()).toEqual([]);
    await tui.press('n\u001b[200~line one\nline two\u001b[201~\r');
    await tui.waitFor('Note recorded.');
    expect(tui.events().find((e) => e.type === 'note')).toMatchObject({ text: 'line one line two' });
    tui.unmount();
  });

  it('help and finish: ? then Esc in one read, q Enter then w in one read', async () => {
    const tui = await renderTui({ purpose: incident });
    await tui.press(`?${KEY.escape}`);
    expect(tui.store.getState().screen.name).toBe('home');
    await tui.press('/rls\r\rd');
    await tui.press('q\rw');
    await tui.waitFor('Report draft');
    expect(tui.events().at(-1)).toMatchObject({ type: 'sealed' });
    tui.unmount();
  });
});

describe('keys while the screen is busy', () => {
  it('wait for the command, and beyond the limit are dropped with a message', async () => {
    const tui = await renderTui({ purpose: incident });
    await tui.press('/rls\r\r');
    let finish!: () => void;
    // A command that takes its time (a session being created on a slow disk).
    tui.store.setState({ mark: () => new Promise<void>((resolve) => (finish = resolve)) });
    await tui.press(`d${'j'.repeat(300)}`);
    expect(tui.frame()).toMatch(/\d+ keys were dropped: too many arrived while the screen was busy\./);
    expect(tui.frame()).toMatch(/❯ +○ 1\. Symptom/);
    finish();
    await tui.settle();
    // The keys that waited were applied afterwards: the cursor went down to the last row.
    expect(tui.frame()).toMatch(/❯ +○ 2\.4\./);
    tui.unmount();
  });
});
