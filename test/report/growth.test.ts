// Long sessions: the bench's generated session is a real one (verify and report accept it), the report
// parses the log once without changing what it says, and a long report renders without overflowing.
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/data.js';
import { renderMarkdown } from '../../src/report/index.js';
import { verifySessionLog } from '../../src/session/verify.js';
import { ROOT, runCli } from '../helpers/cli.js';

const home = mkdtempSync(join(tmpdir(), 'runbook-growth-'));
const env = { XDG_STATE_HOME: join(home, 'state'), XDG_CONFIG_HOME: join(home, 'config'), RUNBOOK_SIGNER: 'bench@example.com' };
afterAll(() => rmSync(home, { recursive: true, force: true }));

function generate(events: number, files: number): string {
  const result = spawnSync(process.execPath, [`${ROOT}bench/generate-session.mjs`, home, String(events), String(files)], { encoding: 'utf8', env: { ...process.env, ...env } });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout.trim();
}

describe('the bench session generator', () => {
  it('makes a sealed session that runbook verify and runbook report accept, with the events and files asked for', () => {
    const dir = generate(3000, 600);
    expect(readFileSync(join(dir, 'session.jsonl'), 'utf8').split('\n').filter(Boolean)).toHaveLength(3000);
    expect(readdirSync(join(dir, 'evidence')).filter((f) => /^[0-9a-f]{64}$/.test(f))).toHaveLength(600);
    const verify = runCli(['verify', dir, '--json'], { env });
    expect(verify.code).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, sealed: true, events: 3000, signature: 'valid', signer: 'bench@example.com', evidence: { checked: 600, bad: 0 } });
    const ssh = spawnSync('ssh-keygen', ['-Y', 'verify', '-f', join(home, 'config', 'runbook', 'allowed_signers'), '-I', 'bench@example.com', '-n', 'runbook-session', '-s', join(dir, 'session.jsonl.sig')], { input: readFileSync(join(dir, 'session.jsonl')) });
    expect(ssh.status).toBe(0);
    const report = runCli(['report', dir, '--format', 'json'], { env });
    expect(report.code).toBe(0);
    const data = JSON.parse(report.stdout);
    expect(data.verification.ok).toBe(true);
    expect(data.actions).toHaveLength(600);
    expect(data.actions.filter((a: { kind: string }) => a.kind === 'sql')).toHaveLength(150);
    expect(data.actions.every((a: { outputs: Array<{ excerpt?: unknown; table?: unknown }> }) => a.outputs[0]?.excerpt || a.outputs[0]?.table)).toBe(true);
    expect(data.timeline).toHaveLength(3000 - 600); // every event but the outputs is a row
  });

  it('refuses sizes it cannot make, in one sentence', () => {
    const result = spawnSync(process.execPath, [`${ROOT}bench/generate-session.mjs`, home, '100', '40'], { encoding: 'utf8', env: { ...process.env, ...env } });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('generate-session: files must be a whole number, at most (events - 3) / 3\n');
  });
});

describe('one parse of the log for verify and report', () => {
  it('gives the same report from the events verify parsed as from reading the log again', async () => {
    const dir = generate(900, 120);
    const { result, events } = await verifySessionLog(dir, { allowedSigners: join(home, 'config', 'runbook', 'allowed_signers') });
    expect(events).toHaveLength(900);
    expect(buildReport(dir, result, {}, events)).toEqual(buildReport(dir, result));
    expect(buildReport(dir, result, { template: 'drill' }, events)).toEqual(buildReport(dir, result, { template: 'drill' }));
  });

  it('hands over no events when a line is damaged or torn, so the report reads every line that still parses', async () => {
    const torn = generate(60, 5);
    appendFileSync(join(torn, 'session.jsonl'), '{"seq":60,"ts":"2026-11-24T05:00:00.000Z","type":"note","prev":"x","text":"written after the seal"}');
    const tornCheck = await verifySessionLog(torn);
    expect(tornCheck.result.ok).toBe(false);
    expect(tornCheck.events).toBeUndefined();
    // The report still shows the torn line, as it did before verify handed events over.
    expect(buildReport(torn, tornCheck.result).timeline.at(-1)!.what).toContain('written after the seal');

    const broken = generate(60, 5);
    const lines = readFileSync(join(broken, 'session.jsonl'), 'utf8').split('\n');
    lines[10] = lines[10]!.replace('nothing unusual', 'nothing unusual!');
    spawnSync('sh', ['-c', `cat > ${JSON.stringify(join(broken, 'session.jsonl'))}`], { input: lines.join('\n') });
    const brokenCheck = await verifySessionLog(broken);
    expect(brokenCheck.result.chainIntact).toBe(false);
    expect(brokenCheck.events).toBeUndefined();
    expect(buildReport(broken, brokenCheck.result).timeline).toHaveLength(60 - lines.filter((l) => l.includes('"type":"action.output"')).length);
  });
});

describe('a long report', () => {
  it('renders 150,000 timeline rows and a command of 200,000 backtick runs without overflowing the stack', async () => {
    const dir = generate(30, 3);
    const { result, events } = await verifySessionLog(dir);
    const data = buildReport(dir, result, {}, events);
    const row = data.timeline[1]!;
    data.timeline = Array.from({ length: 150_000 }, (_, i) => ({ ...row, seq: i }));
    data.notes = Array.from({ length: 150_000 }, (_, i) => ({ ts: row.ts, seq: i, text: `note ${i}` }));
    data.deviations.neverReached = Array.from({ length: 150_000 }, (_, i) => ({ step: `s/${i}`, label: `step ${i}` }));
    data.actions[0]!.code = '` '.repeat(200_000);
    const markdown = renderMarkdown(data);
    expect(markdown.split('\n').filter((l) => l.startsWith('| ') && l.includes(`#${149_999} `))).toHaveLength(1);
    expect(markdown).toContain('- Never reached: step 149999');
    const drill = renderMarkdown({ ...data, template: 'drill', drill: { steps: Array.from({ length: 150_000 }, (_, i) => ({ step: `s/${i}`, label: `step ${i}`, start: row.ts, startedBy: 'action' as const, outcome: 'done' as const, actions: 1 })), rtoNotes: [] } });
    expect(drill).toContain('step 149999');
  });
});

describe('evidence that is not a file', () => {
  it('gives a report that says so, instead of hanging on a named pipe in an output\'s place', () => {
    const dir = generate(60, 8);
    const evidence = join(dir, 'evidence');
    const [shell, sql] = ['shell', 'sql'].map((kind) => {
      const started = readFileSync(join(dir, 'session.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((e) => e.type === 'action.output' && (kind === 'sql') === Boolean(e.columns));
      return started.evidence.sha256 as string;
    });
    for (const sha of [shell!, sql!]) {
      rmSync(join(evidence, sha));
      expect(spawnSync('mkfifo', [join(evidence, sha)]).status).toBe(0);
    }
    const report = runCli(['report', dir], { env, timeout: 20_000 });
    expect(report.code).toBe(0);
    expect(report.stdout).toMatch(/This session did not verify: line \d+ of the session log is bad: its evidence file evidence\/[0-9a-f]{64} is not a file/);
    expect(report.stderr).toContain('the session did not verify');
  });
});
