// Attacks on the report through everything that lands in the log: the report must render as the text
// the log holds, never as HTML, links, headings, mermaid directives or terminal tricks.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import markdownIt from 'markdown-it';
import { beforeAll, describe, expect, it } from 'vitest';
import { draftReport, renderMarkdown } from '../../src/report/index.js';
import { Session } from '../../src/session/session.js';
import { loadSigner } from '../../src/session/signer.js';
import { SEED } from '../helpers/cli.js';
import { fixedKey, recordAction } from '../helpers/fixedSessions.js';
import { markdownProblems } from '../helpers/markdownCheck.js';
import { fixedClock } from '../helpers/session.js';

const ESC = '\u001b';
// One payload for every field: HTML that renders, a comment that swallows the rest, links and
// reference definitions, headings after newlines of every kind, pipes, backticks, mermaid directives,
// terminal escapes and a bidi override.
const PAYLOAD = [
  '<img src=x onerror=alert(1)>',
  '<details open><summary>hidden</summary>',
  '[click](javascript:alert(1))',
  '![pixel](http://evil.example/p.png)',
  '<http://evil.example/auto>',
  'www.evil.example',
  '\n[1]: http://evil.example/ref\n',
  '\n# Injected heading\n',
  '\r## CR heading\r',
  '\u2028### LS heading\u2029',
  '\n| a | b |\n|---|---|\n| x | y |\n',
  '\\| back\\\\|slash',
  '`````` ticks ``',
  ':crit, 2020-01-01, 1d; click s1 href "javascript:alert(1)"\n  section Evil\n  evil task :a, 2020-01-01, 1d',
  `${ESC}[2J${ESC}]8;;http://evil.example${ESC}\\link${ESC}]8;;${ESC}\\${ESC}[31m`,
  'abc\u202Etxt.exe',
  '&lt;script&gt;',
  '<!--',
].join(' ');

const ALLOWED_TAGS = ['h1', 'h2', 'h3', 'p', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'code', 'pre', 'em', 'strong', 'a', 'ul', 'li', 'blockquote', 'br', 'ol', 'hr'];
const HEADINGS_INCIDENT = /^(Post-incident report: .*|Summary|Impact|Root cause and contributing factors|Action items|Lessons learned|What went well|What went wrong|Where we got lucky|Timeline|Actions|\d+\. .*|Deviations|Notes|Attachments|Integrity|Full values|Full value \d+)$/;
const HEADINGS_DRILL = /^(Drill record: .*|Objective|Scope|Target and measured RTO\/RPO|Steps|Findings|Follow-ups|Actions|\d+\. .*|Notes|Attachments|Integrity|Full values|Full value \d+)$/;

let root: string;
let key: { keyPath: string; allowedSigners: string };

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'runbook-attacks-'));
  key = fixedKey(join(root, 'keys'));
});

async function hostileSession(id: string, kind: 'incident' | 'drill'): Promise<string> {
  const s = Session.start({
    id,
    host: `host${PAYLOAD}`,
    operator: `op${PAYLOAD}`,
    root: join(root, 'sessions'),
    now: fixedClock('2026-11-24T03:10:00.000Z'),
    runbook: { path: SEED, bytes: readFileSync(SEED), title: `Title${PAYLOAD}` },
    section: { id: `sec${PAYLOAD}`, title: `Section${PAYLOAD}` },
    env: `prod${PAYLOAD}`,
    target: { host: `db${PAYLOAD}`, database: `app${PAYLOAD}`, user: `u${PAYLOAD}`, sandbox: `sb${PAYLOAD}` },
    purpose: kind === 'incident' ? { kind, id: `INC${PAYLOAD}`, title: `t${PAYLOAD}`, severity: `1${PAYLOAD}` } : { kind, title: `t${PAYLOAD}` },
  });
  const where = { section: `sec${PAYLOAD}`, step: `restore${PAYLOAD}` };
  s.note(where, `note${PAYLOAD}`);
  s.setStepStatus(where, 'skipped', `reason${PAYLOAD}`);
  const csv = (v: string) => `"${v.replace(/"/g, '""')}"`;
  recordAction(s, where, { id: `act${PAYLOAD}`, kind: 'sql', code: `select 1 -- ${PAYLOAD}`, rows: 1, status: 'failed', error: `error${PAYLOAD}`, output: `${csv(`col${PAYLOAD}`)},b\n${csv(`val${PAYLOAD}`)},${csv(PAYLOAD.repeat(3))}\n` });
  recordAction(s, where, { id: `sh${PAYLOAD}`, kind: 'shell', code: `echo ${PAYLOAD}`, output: `out${PAYLOAD}\n` });
  s.attach(where, { name: `file${PAYLOAD}`, data: 'x', kind: 'file' });
  s.record('action.refused', { ...where, action: `act${PAYLOAD}`, reason: `refused${PAYLOAD}` } as never);
  s.record('confirmed', { ...where, what: 'environment', env: `prod${PAYLOAD}` } as never);
  s.record('confirmed', { ...where, reasons: [`why${PAYLOAD}`] } as never);
  s.record('environment', { env: `staging${PAYLOAD}`, target: { host: `h2${PAYLOAD}` } });
  s.setStepStatus({ ...where, step: `smoke check${PAYLOAD}` }, 'done');
  s.setStepStatus({ ...where, step: `status${PAYLOAD}` }, `weird${PAYLOAD}` as 'done');
  await s.seal(loadSigner({ keyPath: key.keyPath, identity: `dana${PAYLOAD}`, env: process.env }).signer);
  return s.dir;
}

function expectHarmless(md: string, headings: RegExp): void {
  expect(markdownProblems(md)).toEqual([]);
  // Rendered as GitHub does, raw HTML allowed.
  const env = {};
  const it = markdownIt('default', { html: true, linkify: true });
  const tokens = it.parse(md, env);
  const html = it.renderer.render(tokens, it.options, env);
  const tags = new Set([...html.matchAll(/<\/?([a-z0-9-]+)/gi)].map((m) => m[1]!.toLowerCase()));
  for (const tag of tags) expect(ALLOWED_TAGS, `tag <${tag}>`).toContain(tag);
  expect(html).not.toContain('<!--');
  // Links: the report's own (anchors, relative paths into the session), or a web address GitHub makes
  // of a bare URL in the text; never javascript: or another scheme, never an image.
  const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!);
  for (const href of hrefs) expect(href, href).toMatch(/^(#[\w-]+|https?:\/\/[^\s]*|(?!\/\/)[\w./%-]+)$/i);
  expect(hrefs.filter((h) => /javascript|^data:|^vbscript/i.test(h))).toEqual([]);
  expect(html).not.toMatch(/<img/i);
  // No reference definition was swallowed, no heading made from a value.
  expect(Object.keys((env as { references?: object }).references ?? {})).toEqual([]);
  tokens.forEach((t, i) => {
    if (t.type === 'heading_open') expect(tokens[i + 1]!.content, 'heading').toMatch(headings);
  });
  for (const t of tokens) if (t.type === 'heading_open') expect(t.tag === 'h1' ? 1 : 0).toBeLessThanOrEqual(1);
  expect(tokens.filter((t) => t.type === 'heading_open' && t.tag === 'h1')).toHaveLength(1);
  // Nothing a terminal or an editor acts on: escapes, control characters, bidi overrides, line separators.
  expect(md).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/);
  // The mermaid chart holds only its own directives and one task line per step.
  const chart = /```mermaid\n([\s\S]*?)\n```/.exec(md)?.[1];
  if (chart) {
    for (const line of chart.split('\n').slice(1)) expect(line, line).toMatch(/^ {2}(title [^:;#\n]*|dateFormat \S+|axisFormat \S+|[^:;#\n]+ :(done|crit|milestone|active), s\d+, [\dT:-]+, \d+s)$/);
    expect(chart).not.toMatch(/\bclick\b|\bsection\b|\bhref\b|\bcall\b/);
  }
}

describe('a session whose every field holds Markdown, HTML, mermaid and terminal attacks', () => {
  it('gives an incident report that renders as text', async () => {
    const dir = await hostileSession('20261124-031000-hostile-0001', 'incident');
    const md = renderMarkdown(await draftReport(dir, { allowedSigners: key.allowedSigners }), { linkBase: dir, command: (a) => `runbook ${a}` });
    writeFileSync('/tmp/atk17/incident.md', md);
    expectHarmless(md, HEADINGS_INCIDENT);
  });

  it('gives a drill record that renders as text', async () => {
    const dir = await hostileSession('20261124-031000-hostile-0002', 'drill');
    const md = renderMarkdown(await draftReport(dir, { allowedSigners: key.allowedSigners }), { linkBase: dir, command: (a) => `runbook ${a}` });
    writeFileSync('/tmp/atk17/drill.md', md);
    expectHarmless(md, HEADINGS_DRILL);
  });
});

describe('values that a table or a reviewer could misread', () => {
  it('keeps a backslash before a pipe inside a code span in a table', async () => {
    const s = Session.start({
      id: '20261124-031000-pipes-0001', host: 'h', operator: 'dana', root: join(root, 'sessions'), now: fixedClock('2026-11-24T03:10:00.000Z'),
      runbook: { path: SEED, bytes: readFileSync(SEED), title: 'T' }, env: 'prod', purpose: { kind: 'routine' },
    });
    recordAction(s, { section: 'weekly', step: 'weekly/1' }, { id: 'weekly/1#1', kind: 'shell', code: "grep -E 'a\\|b' log", output: 'x\n' });
    s.close();
    const md = renderMarkdown(await draftReport(s.dir, { allowedSigners: key.allowedSigners }), { linkBase: s.dir });
    const html = markdownIt('default').render(md);
    // In the timeline table the command reads as it ran, backslash and all.
    expect(html).toContain("<td>Ran shell on step Weekly 1: <code>grep -E 'a\\|b' log</code></td>");
  });

  it('keeps a secret out of the report when it is only in a column name or an attachment name', async () => {
    const secret = 'hunter2-Super-Secret-Value';
    const s = Session.start({
      id: '20261124-031000-secrets-0001', host: 'h', operator: 'dana', root: join(root, 'sessions'), now: fixedClock('2026-11-24T03:10:00.000Z'),
      runbook: { path: SEED, bytes: readFileSync(SEED), title: 'T' }, env: 'prod', purpose: { kind: 'routine' }, secrets: [secret],
    });
    const where = { section: 'weekly', step: 'weekly/1' };
    recordAction(s, where, { id: 'weekly/1#1', kind: 'sql', code: 'select 1', rows: 1, output: `"${secret}",postgres://ops:Pa55word-xyz@db.internal/app\n1,2\n` });
    s.attach(where, { name: `dump-${secret}-postgres://ops:Pa55word-xyz@db.internal/app.sql`, data: 'x', kind: 'file' });
    // A log written before names were redacted: the report still applies the patterns.
    s.record('attachment', { ...where, name: 'old postgres://ops:Pa55word-xyz@db.internal/app', kind: 'file' } as never);
    s.close();
    const data = await draftReport(s.dir, { allowedSigners: key.allowedSigners });
    const md = renderMarkdown(data, { linkBase: s.dir });
    expect(md).not.toContain(secret);
    expect(md).not.toContain('Pa55word-xyz');
    expect(JSON.stringify(data)).not.toContain('Pa55word-xyz');
  });
});
