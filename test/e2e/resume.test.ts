// `runbook resume` in a real terminal: the session comes back on the environment it was on, with that
// environment's secrets known again, so a note that quotes one is redacted.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { freshHome, startTestSession } from '../helpers/session.js';
import { openTerminal, type Terminal } from '../helpers/terminal.js';

const PROD_PW = 'prod-pw-6d5c4b3a';

let terminal: Terminal | undefined;
afterEach(() => terminal?.close());

describe('runbook resume', () => {
  it('reopens the session on its environment and redacts that environment\'s secrets', async () => {
    const home = freshHome();
    const project = join(home.root, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'runbook.config.json'), JSON.stringify({ environments: { prod: { databaseUrl: `postgres://ops:${PROD_PW}@db.invalid/app`, protected: true } } }));
    const first = startTestSession(home.env);
    first.note({ section: 'rls-misconfiguration', step: 'rls-misconfiguration/1' }, 'before the laptop slept');
    first.interrupt('the terminal was closed');

    terminal = openTerminal(`node ${BIN} resume ${first.id}`, { ...(home.env as Record<string, string>), NO_COLOR: '1' }, undefined, project);
    const t = terminal;
    await t.waitFor(`Resumed session ${first.id}`);
    expect(t.screen()).toContain('PROD');
    t.send('n');
    await t.waitFor('Note:');
    t.type(`the password is ${PROD_PW}`);
    t.send('Enter');
    await t.waitFor('Note recorded.');
    t.send('q');
    await t.waitFor('Leave it open');
    t.send('Down');
    await t.waitFor(/❯ Leave it open/);
    t.send('Enter');
    await t.waitFor(`runbook resume ${first.id}`);

    const log = readFileSync(join(first.dir, 'session.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(log.map((e) => e.type)).toEqual(['started', 'note', 'interrupted', 'resumed', 'note', 'interrupted']);
    expect(log[4]).toMatchObject({ text: 'the password is [REDACTED:known-secret]' });
    expect(JSON.stringify(log)).not.toContain(PROD_PW);
  });
});
