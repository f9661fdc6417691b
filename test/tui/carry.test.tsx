// Acceptance (issue 18): step 1 exports, step 2 reads it with no --set, through `runbook exec` and
// through the TUI. The value is in the session log as a `variables` event; secret ones (a secret
// name, and a token under an innocent name) never reach the log, the evidence, the report, or the
// later action's output.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveEnvironment } from '../../src/exec/environment.js';
import { Session } from '../../src/session/session.js';
import { runCli } from '../helpers/cli.js';
import { freshHome } from '../helpers/session.js';
import { KEY, renderTui } from '../helpers/tui.js';

// Built at run time, so neither appears whole in the runbook or in the code the log records.
const PASSWORD = 'correct-horse-battery-42';
const TOKEN = 'ghp_Zx8Kq2Lm4Np6Rs8Tv0Wy2Ab4Cd6Ef8Gh0Ij2';

const RUNBOOK = [
  '# Carry',
  '## Deploy',
  '1. Find the namespace and the credentials:',
  '   ```bash',
  "   export NAMESPACE=$(printf '%s-%s' blue team)",
  "   export DB_PASSWORD=$(printf '%s-%s' correct horse-battery-42)",
  `   export BUILD_REF=$(printf '%s%s' ghp_ ${TOKEN.slice(4)})`,
  '   ```',
  '2. Look at it:',
  '   ```bash',
  '   echo "ns=$NAMESPACE pw=$DB_PASSWORD ref=$BUILD_REF"',
  '   ```',
  '',
].join('\n');

function project() {
  const home = freshHome();
  const dir = join(home.root, 'project');
  mkdirSync(dir);
  const file = join(dir, 'carry.md');
  writeFileSync(file, RUNBOOK);
  return { home, dir, file };
}

function sessionFiles(dir: string): { log: string; evidence: string } {
  const evidenceDir = join(dir, 'evidence');
  return {
    log: readFileSync(join(dir, 'session.jsonl'), 'utf8'),
    evidence: readdirSync(evidenceDir).map((f) => readFileSync(join(evidenceDir, f), 'utf8')).join('\n'),
  };
}

function expectCarriedAndRedacted(dir: string, report: string, shown: string): void {
  const { log, evidence } = sessionFiles(dir);
  const variables = log.split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((e) => e.type === 'variables');
  expect(variables).toMatchObject({
    step: 'deploy/1',
    action: 'deploy/1#1',
    set: [{ name: 'BUILD_REF', secret: true }, { name: 'DB_PASSWORD', secret: true }, { name: 'NAMESPACE', value: 'blue-team' }],
  });
  expect(evidence).toContain('ns=blue-team pw=[REDACTED:known-secret] ref=[REDACTED:known-secret]');
  expect(report).not.toContain('[!CAUTION]');
  expect(report).toContain('NAMESPACE=`blue-team`');
  expect(report).toContain('DB_PASSWORD (secret)');
  for (const text of [log, evidence, report, shown]) {
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(TOKEN);
  }
}

describe('variables carry from step to step', () => {
  it('through runbook exec, with no --set; --dry-run names the step that will set each value', () => {
    const p = project();
    const env = { ...p.home.env, DATABASE_URL: '' };
    const dry = runCli(['exec', p.file, '--section', 'deploy', '--dry-run'], { cwd: p.dir, env });
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('NAMESPACE (set by step 1 (action 1), found by reading its code; nothing runs in a dry run)');
    expect(dry.stdout).toContain('judged when it runs, once NAMESPACE, DB_PASSWORD, BUILD_REF are set');

    const run = runCli(['exec', p.file, '--section', 'deploy'], { cwd: p.dir, env });
    expect(run.stderr).not.toMatch(/Missing value|at .*\.js/);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('exported NAMESPACE="blue-team"');
    expect(run.stdout).toContain('exported DB_PASSWORD (secret, hidden)');
    // Step 2's preview: the code as it runs, and where each value comes from.
    expect(run.stdout).toContain('NAMESPACE="blue-team" (set by step 1, action 1)');
    expect(run.stdout).toContain('DB_PASSWORD (secret, hidden) (set by step 1, action 1)');
    expect(run.stdout).toContain('ns=blue-team pw=[REDACTED:known-secret] ref=[REDACTED:known-secret]');
    const dir = /Sealed session: (\S+)/.exec(run.stdout)![1]!;
    const report = runCli(['report', dir], { cwd: p.dir, env });
    expect(report.code).toBe(0);
    expectCarriedAndRedacted(dir, report.stdout, run.stdout);
  });

  it('--dry-run says when a value an earlier step exports never carries', () => {
    const p = project();
    writeFileSync(p.file, '# C\n## D\n1. Set: `export LD_PRELOAD=/tmp/x.so NS=1`\n2. Use: `echo "$LD_PRELOAD $NS"`\n');
    const dry = runCli(['exec', p.file, '--section', 'd', '--dry-run'], { cwd: p.dir, env: p.home.env });
    expect(dry.code).toBe(2);
    expect(dry.stdout).toContain('needs: LD_PRELOAD');
    expect(dry.stdout).toContain('step 1 (action 1) exports LD_PRELOAD, but it never carries: it changes how later commands are run or read their input');
    expect(dry.stderr).toBe('runbook: Missing value for LD_PRELOAD: pass --set LD_PRELOAD=….\n');
  });

  it('exec says so when the step expected to export a value failed, and which --set gives it', () => {
    const p = project();
    writeFileSync(p.file, RUNBOOK.replace("export NAMESPACE=$(printf '%s-%s' blue team)", "export NAMESPACE=$(printf '%s-%s' blue team); exit 3"));
    const run = runCli(['exec', p.file, '--section', 'deploy', '--keep-going'], { cwd: p.dir, env: { ...p.home.env, DATABASE_URL: '' } });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('not carried to later steps: the action did not succeed (exited with status 3)');
    expect(run.stdout).toContain('✗ Not run: no value for NAMESPACE. An earlier step was expected to export NAMESPACE and did not carry it');
    expect(run.stdout).toContain('pass --set NAMESPACE=… to give it.');
    expect(run.stdout).not.toContain(PASSWORD);
  });

  it('through the TUI: step 2 asks nothing and the step screen says where the value came from', async () => {
    const p = project();
    const env = resolveEnvironment({ cwd: p.dir, processEnv: { PATH: process.env.PATH } });
    const tui = await renderTui({ file: p.file, env, cwd: p.dir, purpose: { kind: 'routine' } });
    await tui.press(KEY.enter);
    await tui.waitFor('Find the namespace');
    await tui.press('r');
    await tui.waitFor(/Done\./);
    await tui.press('d');
    await tui.waitFor('Step 1 marked done');
    await tui.press(KEY.enter);
    await tui.waitFor('values: NAMESPACE="blue-team" (set by step 1, action 1) · DB_PASSWORD (secret) (set by step 1, action 1)');
    await tui.press('r');
    await tui.waitFor(/Done\./);
    const frame = tui.frame();
    expect(frame).not.toContain('Value for');
    expect(frame).toContain('ns=blue-team pw=[REDACTED:known-secret]');
    await tui.press('q');
    await tui.waitFor('Finish: seal the session');
    await tui.press(KEY.enter);
    await tui.waitFor('Session sealed and signed.');
    const dir = tui.store.getState().session!.dir;
    const signerHome = tui.home.env;
    tui.unmount();
    const report = runCli(['report', dir], { cwd: p.dir, env: signerHome });
    expect(report.code, report.stdout.slice(0, 400)).toBe(0);
    expectCarriedAndRedacted(dir, report.stdout, frame);
  });

  it('after a resume the TUI shows the plain value from the log and asks for each secret one again, saying why', async () => {
    const p = project();
    const env = resolveEnvironment({ cwd: p.dir, processEnv: { PATH: process.env.PATH } });
    const first = await renderTui({ file: p.file, env, cwd: p.dir, purpose: { kind: 'routine' } });
    await first.press(KEY.enter);
    await first.waitFor('Find the namespace');
    await first.press('r');
    await first.waitFor(/Done\./);
    const dir = first.store.getState().session!.dir;
    first.store.getState().session!.interrupt('test: the laptop slept');
    first.unmount();

    const { session, events } = Session.resume(dir);
    const tui = await renderTui({ file: p.file, env, cwd: p.dir, resume: { session, events } });
    await tui.waitFor('Find the namespace');
    await tui.press(KEY.escape);
    await tui.waitFor('Look at it');
    await tui.press('j', KEY.enter);
    await tui.waitFor('values: NAMESPACE="blue-team" (set by step 1, action 1) · DB_PASSWORD (secret) (set by step 1, action 1)');
    await tui.press('r');
    const asked = await tui.waitFor('Value for DB_PASSWORD');
    expect(asked.replace(/[\s│]+/g, ' ')).toContain('DB_PASSWORD was set by step 1, action 1 before this session was resumed; its value is secret, so the session log does not hold it: type it again.');
    await tui.press(`${PASSWORD}\r`);
    await tui.waitFor('Value for BUILD_REF');
    await tui.press(`${TOKEN}\r`);
    const done = await tui.waitFor(/Done\./);
    expect(done).toContain('ns=blue-team pw=[REDACTED:known-secret] ref=[REDACTED:known-secret]');
    tui.unmount();
    session.close();
    const { log, evidence } = sessionFiles(dir);
    for (const text of [log, evidence, done]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(TOKEN);
    }
  });
});
