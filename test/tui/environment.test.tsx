// The TUI path of the session controller: the `e` picker offers the one environment list, a switch
// keeps every secret known, and `c` copies the action the operator chose.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveEnvironment } from '../../src/exec/environment.js';
import { parseRunbook } from '../../src/runbook/parse.js';
import { SessionController } from '../../src/session/controller.js';
import { Session } from '../../src/session/session.js';
import { freshHome } from '../helpers/session.js';
import { KEY, renderTui } from '../helpers/tui.js';

const DEV_PW = 'dev-pw-0a9b8c7d';
const STAGE_PW = 'stage-pw-1f2e3d4c';

function project(runbook: string) {
  const home = freshHome();
  const dir = join(home.root, 'project');
  mkdirSync(dir);
  writeFileSync(join(dir, 'runbook.config.json'), JSON.stringify({
    defaultEnv: 'dev',
    environments: { dev: { databaseUrl: `postgres://ops:${DEV_PW}@db.invalid/app` }, staging: { databaseUrl: `postgres://ops:${STAGE_PW}@db.invalid/app` } },
  }));
  const file = join(dir, 'rb.md');
  writeFileSync(file, runbook);
  return { dir, file, env: resolveEnvironment({ cwd: dir, processEnv: { PATH: process.env.PATH } }) };
}

describe('environments in the TUI', () => {
  it('offers every configured environment and the sandbox, and a switch keeps the secrets of both', async () => {
    const p = project('# RB\n## Check\n- `echo "db=$DATABASE_URL"`\n');
    const tui = await renderTui({ file: p.file, env: p.env, cwd: p.dir, purpose: { kind: 'drill' } });
    await tui.press(KEY.enter);
    await tui.waitFor('echo');
    await tui.press('n');
    await tui.waitFor('Note:');
    await tui.press('on dev\r');
    await tui.waitFor('Note recorded.');
    await tui.press(KEY.escape);
    await tui.waitFor('e environment');
    await tui.press('e');
    const picker = await tui.waitFor('Environment');
    expect(picker).toMatch(/dev[\s\S]*staging[\s\S]*sandbox/);
    // Choose as the dialog does (arrow keys into a select list are the harness's business, and racy under load).
    tui.store.getState().answer('staging');
    await tui.waitFor('Environment: staging.');
    expect(tui.frame()).toContain('staging');
    await tui.press(KEY.enter);
    await tui.waitFor('echo');
    await tui.press('r');
    await tui.waitFor(/Done\./);
    await tui.press('n');
    await tui.waitFor('Note:');
    await tui.press(`pasted ${DEV_PW} and ${STAGE_PW}\r`);
    await tui.waitFor('Note recorded.');
    const events = tui.events();
    const dir = tui.store.getState().session!.dir;
    tui.unmount();
    tui.store.getState().session!.close();

    expect(events.map((e) => e.type)).toEqual(['started', 'note', 'environment', 'action.started', 'action.output', 'action.finished', 'note']);
    expect(events[0]).toMatchObject({ env: 'dev' });
    expect(events[2]).toMatchObject({ env: 'staging' });
    const evidence = readdirSync(join(dir, 'evidence')).map((f) => readFileSync(join(dir, 'evidence', f), 'utf8')).join('\n');
    const everything = `${readFileSync(join(dir, 'session.jsonl'), 'utf8')}\n${evidence}`;
    expect(evidence).toContain('db=postgres://ops:[REDACTED');
    expect(everything).not.toContain(DEV_PW);
    expect(everything).not.toContain(STAGE_PW);
    expect(events.at(-1)).toMatchObject({ text: 'pasted [REDACTED:known-secret] and [REDACTED:known-secret]' });
  });

  it('a session resumed in the TUI on another environment knows the secrets of both', async () => {
    const p = project('# RB\n## Check\n- `echo "db=$DATABASE_URL"`\n');
    const home = freshHome();
    const staging = resolveEnvironment({ name: 'staging', cwd: p.dir, processEnv: { PATH: process.env.PATH } });
    const loaded = { file: p.file, runbook: parseRunbook(readFileSync(p.file, 'utf8'), { fileName: p.file }), bytes: readFileSync(p.file) };
    const before = new SessionController({ env: staging, purpose: { kind: 'drill' }, cwd: p.dir, signer: { env: home.env }, sessionRoot: join(home.state, 'sessions') });
    before.useRunbook(loaded);
    await before.ensureSession(loaded.runbook.sections[0]);
    const dir = before.session!.dir;
    before.leave('the laptop slept');

    const resume = Session.resume(dir);
    const tui = await renderTui({ file: p.file, env: p.env, cwd: p.dir, resume });
    await tui.waitFor('Resumed session');
    await tui.press(KEY.enter);
    await tui.waitFor('echo');
    await tui.press('n');
    await tui.waitFor('Note:');
    await tui.press(`both ${DEV_PW} ${STAGE_PW}\r`);
    await tui.waitFor('Note recorded.');
    tui.unmount();
    resume.session.close();
    const log = readFileSync(join(dir, 'session.jsonl'), 'utf8');
    expect(log).not.toContain(DEV_PW);
    expect(log).not.toContain(STAGE_PW);
    expect(log.trim().split('\n').map((l) => JSON.parse(l).type)).toEqual(['started', 'interrupted', 'resumed', 'environment', 'note']);
  });

  it('c copies the action chosen, not always the first', async () => {
    const p = project('# RB\n## Two\n- `kubectl get pods` then `kubectl get nodes`\n');
    const written: string[] = [];
    const tui = await renderTui({ file: p.file, env: p.env, cwd: p.dir, writeTerminal: (data) => written.push(data) });
    await tui.press(KEY.enter);
    await tui.waitFor('kubectl get pods');
    await tui.press(KEY.enter);
    await tui.waitFor('c copy');
    await tui.press('c');
    await tui.waitFor('Copy which action?');
    expect(tui.frame()).toMatch(/shell +kubectl get nodes/);
    tui.store.getState().answer('1');
    await tui.waitFor('Copied');
    expect(written).toHaveLength(1);
    const copied = Buffer.from(/\]52;c;([^\u0007]*)\u0007/.exec(written[0]!)![1]!, 'base64').toString('utf8');
    expect(copied).toBe('kubectl get nodes');
    tui.unmount();
  });
});
