// Scenario 1 in a real terminal: filter to RLS, run the pg_policies query with tablename typed at the
// prompt, mark the step done, add a note, finish; then the session verifies and holds both.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { BIN, runCli, SEED } from '../helpers/cli.js';
import { freshHome } from '../helpers/session.js';
import { filterAndOpen, openTerminal, type Terminal } from '../helpers/terminal.js';

let terminal: Terminal | undefined;
afterEach(() => terminal?.close());

describe('the TUI in a real terminal', () => {
  it('walks RLS Misconfiguration for an incident and leaves a verifiable session', async () => {
    const home = freshHome();
    terminal = openTerminal(`node ${BIN} ${SEED}`, { ...(home.env as Record<string, string>), DATABASE_URL: inject('databaseUrl'), NO_COLOR: '1' });
    const t = terminal;
    await t.waitFor('Purpose  0/2 steps');
    await filterAndOpen(t, 'RLS', 'RLS Misconfiguration');
    t.send('j');
    t.send('j');
    await t.waitFor(/❯ +○ 2\.1\./);
    t.send('Enter');
    await t.waitFor('needs: tablename');
    t.send('r');
    await t.waitFor('Start a session: what is it for?');
    t.send('Enter');
    await t.waitFor('Incident id');
    t.type('INC-4711');
    t.send('Enter');
    await t.waitFor('Severity');
    t.type('1');
    t.send('Enter');
    await t.waitFor('tablename:');
    t.type('ebooks');
    t.send('Enter');
    const result = await t.waitFor('✓ ok · 2 rows');
    expect(result).toMatch(/public +│ ebooks +│ anon_read/);
    t.send('d');
    await t.waitFor('✓ done');
    t.send('n');
    await t.waitFor('Note:');
    t.type('anon_read uses USING (false) but owner_read leaks');
    t.send('Enter');
    await t.waitFor('Note recorded.');
    t.send('q');
    await t.waitFor('Finish: seal the session');
    t.send('Enter');
    const finish = await t.waitFor('Session sealed and signed.');
    const id = /Verify: (?:npx )?runbook verify (\S+)/.exec(finish)![1]!;
    t.send('q');
    await t.waitFor('[exited 0]');

    const verified = runCli(['verify', id, '--json'], { env: home.env });
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, sealed: true, signer: 'dana@example.com' });
    const dir = JSON.parse(verified.stdout).path as string;
    const events = readFileSync(join(dir, 'session.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(events[0]).toMatchObject({ type: 'started', purpose: { kind: 'incident', id: 'INC-4711', severity: '1' } });
    expect(events.find((e) => e.type === 'note')).toMatchObject({ text: 'anon_read uses USING (false) but owner_read leaks', step: 'rls-misconfiguration/2.1' });
    expect(events.find((e) => e.type === 'step')).toMatchObject({ step: 'rls-misconfiguration/2.1', status: 'done' });
    const output = events.find((e) => e.type === 'action.output');
    expect(readFileSync(join(dir, 'evidence', output.evidence.sha256), 'utf8')).toMatch(/public,ebooks,anon_read/);
  });

  it('survives resizing to 60×20 and back, redrawing cleanly', async () => {
    const home = freshHome();
    terminal = openTerminal(`node ${BIN} ${SEED}`, { ...(home.env as Record<string, string>), NO_COLOR: '1' });
    const t = terminal;
    await t.waitFor('Purpose  0/2 steps');
    t.resize(60, 20);
    // Ink clears and redraws on a shrink: wait for the whole new frame, list and footer.
    const small = await t.waitFor(/Purpose[\s\S]*… \d+ more[\s\S]*\? help/);
    expect(small).toMatch(/… \d+ more/);
    expect(small).toContain('Migration Deployment Procedure  0/14 steps');
    // The footer shortens to the keys that matter most, and ? help for the rest.
    expect(small).toMatch(/Enter open .*q quit  \? help/);
    expect(small.split('\n').every((line) => line.length <= 60)).toBe(true);
    t.resize(120, 40);
    await t.waitFor('Escalation Matrix');
    t.send('j');
    await t.waitFor(/❯ Scope/);
    expect(t.alive()).toBe(true);
    t.send('q');
    await t.waitFor('[exited 0]');
  });

  it('says what to do instead when there is no terminal', () => {
    const out = runCli([SEED]);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe('runbook: runbook needs a terminal for its interactive screens; use runbook list FILE to read a runbook, or runbook exec FILE --section ID to run one unattended.\n');
  });
});
