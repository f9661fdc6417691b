// Times a report cannot take at face value: a clock that went backwards or jumped during the session
// (the log is intact and signed, the times are what the machine said), and a forged `ts`.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import markdownIt from 'markdown-it';
import { beforeAll, describe, expect, it } from 'vitest';
import { draftReport, renderMarkdown } from '../../src/report/index.js';
import { formatDuration } from '../../src/report/markdown.js';
import { Session } from '../../src/session/session.js';
import { SEED } from '../helpers/cli.js';
import { fixedKey, sealWith } from '../helpers/fixedSessions.js';
import { markdownProblems } from '../helpers/markdownCheck.js';

let root: string;
let key: { keyPath: string; allowedSigners: string };

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'runbook-clock-'));
  key = fixedKey(join(root, 'keys'));
});

/** A drill whose events carry the given times, in order: started, then 1.1 done, 1.2 done, 1.3 done, sealed. */
async function drillAt(id: string, times: string[]): Promise<string> {
  const queue = [...times];
  const s = Session.start({
    id, host: 'ops-laptop', operator: 'dana', root: join(root, 'sessions'),
    now: () => new Date(queue.length > 1 ? queue.shift()! : queue[0]!),
    runbook: { path: SEED, bytes: readFileSync(SEED), title: 'Supabase Operations Runbook' },
    section: { id: 'quarterly', title: 'Quarterly' }, env: 'prod', purpose: { kind: 'drill' },
  });
  for (const step of ['quarterly/1.1', 'quarterly/1.2', 'quarterly/1.3']) s.setStepStatus({ section: 'quarterly', step }, 'done');
  await sealWith(s, key.keyPath, process.env);
  return s.dir;
}

async function drill(dir: string) {
  const data = await draftReport(dir, { allowedSigners: key.allowedSigners });
  return { data, md: renderMarkdown(data, { linkBase: dir, command: (a) => `runbook ${a}` }) };
}

describe('a drill whose clock did not run straight', () => {
  it('gives no RTO when the clock went backwards between the restore and the smoke check, and says why', async () => {
    // 1.2 (the restore) done at 03:20, then the clock was set back an hour before the smoke check 1.3.
    const dir = await drillAt('20261124-031000-backwards-0001', ['2026-11-24T03:10:00Z', '2026-11-24T03:15:00Z', '2026-11-24T03:20:00Z', '2026-11-24T02:25:00Z', '2026-11-24T02:26:00Z']);
    const { data, md } = await drill(dir);
    expect(data.verification.ok).toBe(true);
    expect(data.drill!.rtoMs).toBeUndefined();
    expect(md).toContain('| RTO | ✍ TO WRITE (or --rto-target) | **unknown** |');
    expect(md).toMatch(/The clock went backwards at event 3 \(from 03:20:00 to 02:25:00\)/);
    expect(md).toContain("> [!WARNING]\n> The session's clock did not run straight");
    const incident = renderMarkdown({ ...data, template: 'incident' }, { linkBase: dir });
    expect(incident).toContain("The session's clock did not run straight, so its times and durations are not reliable. The clock went backwards at event 3");
    // No step is shown as taking a negative time.
    expect(md).not.toMatch(/\| -\d|-\d+ (h|min|s)\b/);
    expect(markdownProblems(md)).toEqual([]);
  });

  it('says so when the clock jumped forward, rather than giving a year-long RTO as measured', async () => {
    const dir = await drillAt('20261124-031000-jump-0001', ['2026-11-24T03:10:00Z', '2026-11-24T03:15:00Z', '2026-11-24T03:20:00Z', '2027-11-24T03:21:00Z', '2027-11-24T03:22:00Z']);
    const { data, md } = await drill(dir);
    // The jump is in the record; the report shows the measure and flags it.
    expect(data.drill!.rtoMs).toBeGreaterThan(300 * 24 * 3600 * 1000);
    expect(md).toMatch(/The clock jumped forward .* at event 3/);
  });

  it('formats no negative or impossible duration', () => {
    expect(formatDuration(-5000)).toBe('unknown');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('unknown');
    expect(formatDuration(Number.NaN)).toBe('unknown');
    expect(formatDuration(65_000)).toBe('1 min 5 s');
  });
});

describe('a session folder renamed to another id', () => {
  // Needs the started event to record `session: id` (src/session/session.ts): that line made test/tui/screens.test.tsx time out, so it is left out for now.
  it('says at the top that the log is another session', async () => {
    const dir = await drillAt('20261124-031000-original-0001', ['2026-11-24T03:10:00Z', '2026-11-24T03:11:00Z']);
    const renamed = join(root, 'sessions', '20261124-031000-renamed-0002');
    cpSync(dir, renamed, { recursive: true });
    const { md } = await drill(renamed);
    expect(md).toContain("> **This folder is named `20261124-031000-renamed-0002`, but its log is session `20261124-031000-original-0001`.** It was renamed, or holds another session's log.");
    const same = await drill(dir);
    expect(same.md).not.toContain('This folder is named');
  });
});

describe('a forged ts', () => {
  it('is shown as text: no HTML, no comment that swallows the report, no mermaid line of its own, no NaN', async () => {
    const dir = await drillAt('20261124-031000-forged-0001', ['2026-11-24T03:10:00Z', '2026-11-24T03:15:00Z', '2026-11-24T03:20:00Z', '2026-11-24T03:25:00Z', '2026-11-24T03:26:00Z']);
    const log = join(dir, 'session.jsonl');
    const lines = readFileSync(log, 'utf8').split('\n');
    const forged = ['2026-11-24T<!-- <img src=x onerror=alert(1)>', '2026-11-24T03:1\n  click s1 href "javascript:alert(1)"\n', 'not a time | at all'];
    lines.forEach((line, i) => {
      if (i >= 1 && i <= 3) lines[i] = JSON.stringify({ ...JSON.parse(line), ts: forged[i - 1] });
    });
    lines[0] = JSON.stringify({ ...JSON.parse(lines[0]!), ts: '<!--' });
    writeFileSync(log, lines.join('\n'));
    const { data, md } = await drill(dir);
    expect(data.verification.ok).toBe(false);
    expect(markdownProblems(md)).toEqual([]);
    const html = markdownIt('default', { html: true }).render(md);
    expect(html).not.toMatch(/<!--|<img|onerror=alert\(1\)>/);
    expect(md).not.toMatch(/NaN/);
    const chart = /```mermaid\n([\s\S]*?)\n```/.exec(md)?.[1] ?? '';
    expect(chart).not.toMatch(/click|javascript/);
    expect(JSON.stringify(data)).not.toMatch(/NaN/);
  });
});
