// Scenario 3: Mei runs the Weekly checklist. Everything she needs is on the screens: the footer keys,
// the prompts, the help. The migration status command runs for real against the test database.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { BIN, ROOT, runCli, SEED } from '../helpers/cli.js';
import { freshHome } from '../helpers/session.js';
import { filterAndOpen, openTerminal, type Terminal } from '../helpers/terminal.js';

let terminal: Terminal | undefined;
afterEach(() => terminal?.close());

describe('the Weekly checklist, as a new user does it', () => {
  it('runs the migration status, marks every step, notes, finishes, and leaves a report', async () => {
    const home = freshHome();
    terminal = openTerminal(`node ${BIN} ${SEED}`, { ...(home.env as Record<string, string>), DATABASE_URL: inject('databaseUrl'), NO_COLOR: '1' }, undefined, ROOT);
    const t = terminal;
    const home1 = await t.waitFor('? help  q quit');
    expect(home1).toContain('Enter open');
    const checklist = await filterAndOpen(t, 'weekly', 'Weekly');
    expect(checklist).toContain('Weekly  ░');
    expect(checklist).toMatch(/r run +d done↓ +s skip↓ +f failed↓ +n note/);
    t.send('Enter');
    await t.waitFor('[shell] npm run db:migration:status');
    t.send('r');
    await t.waitFor('Start a session: what is it for?');
    t.send('Down');
    await t.waitFor(/❯ Drill/);
    t.send('Down');
    await t.waitFor(/❯ Routine check/);
    t.send('Enter');
    const ran = await t.waitFor(/✓ ok|✗ failed/, 60_000);
    expect(ran).toMatch(/pending migration|No pending migrations/);
    t.send('d');
    await t.waitFor('marked done');
    t.send('Escape');
    await t.waitFor(/❯ ✓ 1\./);
    t.send('j');
    await t.waitFor(/❯ ○ 2\./);
    t.send('d');
    await t.waitFor('Step 2 marked done');
    t.send('n');
    await t.waitFor('Note:');
    t.type('storage +3% week on week');
    t.send('Enter');
    await t.waitFor('Note recorded.');
    t.send('s');
    await t.waitFor('Why?');
    t.type('PITR checked in the dashboard by Ravi');
    t.send('Enter');
    await t.waitFor('Step 3 marked skipped');
    await t.waitFor('3/3');
    t.send('q');
    await t.waitFor('Finish: seal the session');
    t.send('Enter');
    await t.waitFor('Session sealed and signed.');
    t.send('w');
    const finish = await t.waitFor('Report draft written');
    const id = /Verify: (?:npx )?runbook verify (\S+)/.exec(finish)![1]!;
    t.send('q');
    await t.waitFor('[exited 0]');

    const verified = JSON.parse(runCli(['verify', id, '--json'], { env: home.env }).stdout);
    expect(verified).toMatchObject({ ok: true, sealed: true });
    const report = readFileSync(join(verified.path, 'report.md'), 'utf8');
    expect(report).toMatch(/^# Session report: Weekly/);
    expect(report).toContain('storage +3% week on week');
    expect(report).toContain('- Skipped: Weekly › 3. Confirm PITR retention window (default 7 days) is intact. — “PITR checked in the dashboard by Ravi”');
    expect(report).toContain('npm run db:migration:status');
  });
});
