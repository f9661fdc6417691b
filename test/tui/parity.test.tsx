// Parity: the same section run through `runbook exec` and through the TUI records the same sequence
// of events and the same redactions, because both drive the one session controller.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { resolveEnvironment } from '../../src/exec/environment.js';
import { runCli } from '../helpers/cli.js';
import { freshHome } from '../helpers/session.js';
import { KEY, renderTui } from '../helpers/tui.js';

const databaseUrl = inject('databaseUrl');
const DEPLOY_TOKEN = 'dt-5e3a91c07b44';

type Event = Record<string, unknown> & { type: string };

function readLog(dir: string): Event[] {
  return readFileSync(join(dir, 'session.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Event);
}

/** What must match: each event's type, the code as recorded, what was redacted, and the output kept. */
function comparable(dir: string): Array<Record<string, unknown>> {
  return readLog(dir).map((e) => {
    const evidence = (e.evidence as { sha256?: string } | undefined)?.sha256;
    return {
      type: e.type,
      ...(e.code !== undefined ? { code: e.code } : {}),
      ...(e.redactions !== undefined ? { redactions: e.redactions } : {}),
      ...(e.name !== undefined ? { name: e.name, value: e.value } : {}),
      ...(e.status !== undefined ? { status: e.status } : {}),
      ...(evidence ? { evidence: readFileSync(join(dir, 'evidence', evidence), 'utf8') } : {}),
    };
  });
}

describe('exec and the TUI', () => {
  it('record the same events and the same redactions for the same section', async () => {
    const home = freshHome();
    const project = join(home.root, 'project');
    mkdirSync(project);
    const file = join(project, 'rotate.md');
    writeFileSync(file, [
      '# Rotate',
      '## Rotate the deploy token',
      '1. Check the dashboard by hand.',
      '2. Show what the job sees: `echo "token=$DEPLOY_TOKEN db=$DATABASE_URL table=<table>"`',
      "3. Count: `select count(*) as n from pg_tables where tablename = '...'`",
      '',
    ].join('\n'));

    const exec = runCli(['exec', file, '--section', 'rotate-the-deploy-token', '--drill', '--set', 'table=users', '--set', 'tablename=pg_class'], {
      cwd: project,
      env: { ...home.env, DATABASE_URL: databaseUrl, DEPLOY_TOKEN },
    });
    expect(exec.stderr).not.toMatch(/Error|at .*\.js/);
    expect(exec.code).toBe(0);
    const execDir = /Sealed session: (\S+)/.exec(exec.stdout)![1]!;

    const env = resolveEnvironment({ cwd: project, processEnv: { PATH: process.env.PATH, DATABASE_URL: databaseUrl, DEPLOY_TOKEN } });
    const tui = await renderTui({ file, env, cwd: project, purpose: { kind: 'drill' } });
    await tui.press(KEY.enter);
    await tui.waitFor('Check the dashboard');
    await tui.press('s');
    await tui.waitFor('Why?');
    await tui.press('by hand\r');
    await tui.waitFor('marked skipped');
    await tui.press('r');
    await tui.waitFor('table:');
    await tui.press('users\r');
    await tui.waitFor(/Done\./);
    await tui.press('d');
    await tui.waitFor('marked done');
    await tui.press('r');
    await tui.waitFor('tablename:');
    await tui.press('pg_class\r');
    await tui.waitFor(/Done\./);
    await tui.press('d');
    await tui.waitFor(/Step 3 marked done/);
    await tui.press('q');
    await tui.waitFor('Finish: seal the session');
    await tui.press(KEY.enter);
    await tui.waitFor('Session sealed and signed.');
    const tuiDir = tui.store.getState().session!.dir;
    tui.unmount();

    const fromExec = comparable(execDir);
    const fromTui = comparable(tuiDir);
    expect(fromTui.map((e) => e.type)).toEqual([
      'started', 'step', 'placeholder', 'action.started', 'action.output', 'action.finished', 'step',
      'placeholder', 'action.started', 'action.output', 'action.finished', 'step', 'sealed',
    ]);
    expect(fromTui).toEqual(fromExec);
    // The output did carry both secrets, and both logs kept neither.
    const shellOutput = fromExec.find((e) => e.type === 'action.output')!.evidence as string;
    expect(shellOutput).toMatch(/^token=\[REDACTED:known-secret\] db=postgres(?:ql)?:\/\/\S*\[REDACTED:[a-z-]+\]@/);
    for (const dir of [execDir, tuiDir]) {
      const log = readFileSync(join(dir, 'session.jsonl'), 'utf8');
      expect(log).not.toContain(DEPLOY_TOKEN);
      expect(log).not.toContain(new URL(databaseUrl).password || 'no password');
    }
  });
});
