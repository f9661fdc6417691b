// runbook export → runbook verify FILE.tar.gz on a copy in another folder with another HOME; the
// archive's key is used for the signature, and trust still comes from the verifier.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { unpackArchive } from '../../src/archive/unpack.js';
import { runCli } from '../helpers/cli.js';
import { fixedKey, fixedSession, recordAction, sealWith } from '../helpers/fixedSessions.js';
import { links, markdownProblems } from '../helpers/markdownCheck.js';
import { rawTarGz } from '../helpers/rawTar.js';
import { freshHome } from '../helpers/session.js';

const ID = '20261124-031000-export-0001';
let root: string;
let key: { keyPath: string; allowedSigners: string };
let sessionDir: string;
let archive: string;
const env = { ...process.env };

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'runbook-export-test-'));
  key = fixedKey(join(root, 'keys'));
  const s = fixedSession(join(root, 'sessions'), ID, { kind: 'incident', id: 'INC-77' });
  const where = { section: 'rls-misconfiguration', step: 'rls-misconfiguration/2.1' };
  recordAction(s, where, { id: 'rls-misconfiguration/2.1#1', kind: 'sql', code: 'select 1', rows: 1, output: 'a\n"multi\nline | value"\n' });
  s.attach(where, { name: 'notes.txt', data: 'pasted', kind: 'text' });
  await sealWith(s, key.keyPath, env);
  sessionDir = s.dir;
  archive = join(root, 'out', `${ID}.tar.gz`);
  mkdirSync(dirname(archive));
  const made = runCli(['export', sessionDir, '--out', archive, '--allowed-signers', key.allowedSigners], { cwd: root });
  expect(made.code, made.stderr).toBe(0);
  expect(made.stdout).toContain(`Exported ${ID} to ${archive}`);
  expect(made.stdout).toMatch(/Check it anywhere: (npx )?runbook verify /);
}, 60_000);

/** Another machine: another HOME, no allowed_signers, the archive copied into a folder of its own. */
function elsewhere(): { env: NodeJS.ProcessEnv; copy: string; cwd: string } {
  const home = freshHome();
  const cwd = mkdtempSync(join(tmpdir(), 'runbook-reviewer-'));
  const copy = join(cwd, 'received.tar.gz');
  copyFileSync(archive, copy);
  return { env: { ...home.env, HOME: home.root }, copy, cwd };
}

describe('runbook export', () => {
  it('bundles the log, signature, evidence, report, the signer line and a README, and nothing else', () => {
    const listing = spawnSync('tar', ['tzf', archive], { encoding: 'utf8' }).stdout.trim().split('\n').sort();
    const files = listing.filter((f) => !f.endsWith('/'));
    expect(files.filter((f) => !f.includes('/evidence/'))).toEqual([`${ID}/README.md`, `${ID}/allowed_signers`, `${ID}/report.md`, `${ID}/session.jsonl`, `${ID}/session.jsonl.sig`]);
    expect(files.filter((f) => f.includes('/evidence/'))).toHaveLength(readdirSync(join(sessionDir, 'evidence')).length);
  });

  it('refuses a session that is not sealed, and an --out that is not .tar.gz', () => {
    const s = fixedSession(join(root, 'sessions'), '20261124-031000-open-0002', { kind: 'routine' });
    s.close();
    const open = runCli(['export', s.dir, '--out', join(root, 'open.tar.gz')]);
    expect(open.code).toBe(2);
    expect(open.stderr).toBe('runbook: The session 20261124-031000-open-0002 is not sealed, so there is no signature to check; finish it first (or runbook resume it and finish).\n');
    expect(existsSync(join(root, 'open.tar.gz'))).toBe(false);
    const zip = runCli(['export', sessionDir, '--out', join(root, 'x.zip')]);
    expect(zip.code).toBe(2);
    expect(zip.stderr).toContain('--out must name a .tar.gz file');
  });
});

describe('runbook verify FILE.tar.gz on another machine', () => {
  it('checks it with the archive key, says so, and does not trust that key on its own say-so', () => {
    const { env: other, copy, cwd } = elsewhere();
    const plain = runCli(['verify', copy], { env: other, cwd });
    expect(plain.code).toBe(1);
    expect(plain.stdout).toContain(`✓ ${ID}: verified, sealed`);
    expect(plain.stdout).toContain("key: the archive's own allowed_signers line was used");
    expect(plain.stdout).toContain('NOT TRUSTED: this key is not in your allowed_signers');
    expect(plain.stderr).toBe('runbook: the archive is intact, but its key is not in your allowed_signers.\n');

    const chosen = runCli(['verify', copy, '--trust-archive-key'], { env: other, cwd });
    expect(chosen.code).toBe(0);
    expect(chosen.stdout).toContain('trusted because you said so (--trust-archive-key)');

    const trusted = runCli(['verify', copy, '--allowed-signers', key.allowedSigners], { env: other, cwd });
    expect(trusted.code).toBe(0);
    expect(trusted.stdout).toContain('trusted: dana@example.com with this key is in your allowed_signers');

    const json = JSON.parse(runCli(['verify', copy, '--json'], { env: other, cwd }).stdout);
    expect(json).toMatchObject({ ok: false, intact: true, keySource: 'archive', trustedLocally: false, sealed: true, signature: 'valid', signer: 'dana@example.com', events: expect.any(Number) });
    expect(JSON.parse(runCli(['verify', copy, '--json', '--trust-archive-key'], { env: other, cwd }).stdout)).toMatchObject({ ok: true, trustedBy: '--trust-archive-key' });
    // Nothing was left behind: the archive was unpacked in a temporary folder and removed.
    expect(readdirSync(cwd)).toEqual(['received.tar.gz']);
  });

  it('checks the unpacked folder too, with runbook and with stock ssh-keygen as the README says', () => {
    const { env: other, copy, cwd } = elsewhere();
    expect(spawnSync('tar', ['xzf', copy], { cwd }).status).toBe(0);
    const folder = join(cwd, ID);
    for (const target of [folder, cwd]) expect(runCli(['verify', target, '--trust-archive-key'], { env: other, cwd }).code).toBe(0);
    const readme = readFileSync(join(folder, 'README.md'), 'utf8');
    expect(readme).toContain('ssh-keygen -Y verify -f allowed_signers');
    const ssh = spawnSync('sh', ['-c', "ssh-keygen -Y verify -f allowed_signers -I 'dana@example.com' -n runbook-session -s session.jsonl.sig < session.jsonl"], { cwd: folder, encoding: 'utf8', env: other });
    expect(ssh.status, ssh.stderr).toBe(0);
    expect(ssh.stdout).toContain('Good "runbook-session" signature for dana@example.com');
    const python = /```sh\n([\s\S]*?)```/g;
    const blocks = [...readme.matchAll(python)].map((m) => m[1]!);
    const chain = blocks[1]!.slice(blocks[1]!.indexOf('python3'), blocks[1]!.indexOf("print(\"chain intact\")'") + "print(\"chain intact\")'".length);
    const py = spawnSync('sh', ['-c', chain], { cwd: folder, encoding: 'utf8' });
    expect(py.stdout.trim(), py.stderr).toBe('chain intact');
    // The report inside links to files inside the archive.
    const report = readFileSync(join(folder, 'report.md'), 'utf8');
    expect(markdownProblems(report)).toEqual([]);
    const hrefs = links(report).filter((h) => !h.startsWith('#'));
    expect(hrefs.length).toBeGreaterThanOrEqual(3);
    for (const href of hrefs) expect(existsSync(resolve(folder, decodeURIComponent(href))), href).toBe(true);
    expect(report).toContain('-n runbook-session -s ./session.jsonl.sig < ./session.jsonl');
  });

  it('fails a changed evidence file, a changed line, or a key swapped for another, whatever the trust', () => {
    const { env: other, cwd } = elsewhere();
    const unpack = (name: string) => {
      const dir = join(cwd, name);
      mkdirSync(dir);
      spawnSync('tar', ['xzf', archive], { cwd: dir });
      return join(dir, ID);
    };
    const evidence = unpack('evidence');
    const file = join(evidence, 'evidence', readdirSync(join(evidence, 'evidence'))[0]!);
    writeFileSync(file, readFileSync(file, 'utf8').replace('a', 'b'));
    const e = runCli(['verify', evidence, '--trust-archive-key'], { env: other });
    expect(e.code).toBe(1);
    expect(e.stdout).toMatch(/evidence file evidence\/[0-9a-f]{64} was changed/);

    const line = unpack('line');
    const log = join(line, 'session.jsonl');
    writeFileSync(log, readFileSync(log, 'utf8').replace('INC-77', 'INC-78'));
    expect(runCli(['verify', line, '--trust-archive-key'], { env: other }).code).toBe(1);

    // A forger re-signs with their own key and ships their own allowed_signers line for dana.
    const forged = unpack('forged');
    const forger = freshHome();
    expect(runCli(['keygen', '--identity', 'dana@example.com'], { env: forger.env }).code).toBe(0);
    const s = fixedSession(join(forger.root, 'sessions'), ID, { kind: 'incident', id: 'INC-77' });
    s.note({}, 'nothing to see here');
    return sealWith(s, join(forger.config, 'runbook', 'signing_key'), forger.env).then(() => {
      cpSync(s.dir, forged, { recursive: true });
      writeFileSync(join(forged, 'allowed_signers'), readFileSync(join(forger.config, 'runbook', 'allowed_signers')));
      const f = runCli(['verify', forged, '--allowed-signers', key.allowedSigners], { env: other });
      expect(f.code).toBe(1);
      expect(f.stdout).toContain('NOT TRUSTED');
    });
  });
});

describe('archives of every shape a session takes', () => {
  it('round-trips 20 MB of one repeated character (compressed about 1000 to 1), renamed without its extension', async () => {
    const s = fixedSession(join(root, 'sessions'), '20261124-031000-repetitive-0003', { kind: 'routine' });
    recordAction(s, { section: 'weekly', step: 'weekly/1' }, { id: 'weekly/1#1', kind: 'shell', code: 'yes | head -c 20M', output: (write) => { const mb = 'y\n'.repeat(512 * 1024); for (let i = 0; i < 20; i++) write(mb); } });
    await sealWith(s, key.keyPath, env);
    const file = join(root, 'repetitive.tar.gz');
    expect(runCli(['export', s.dir, '--out', file, '--allowed-signers', key.allowedSigners]).code).toBe(0);
    const renamed = join(root, 'repetitive-archive');
    copyFileSync(file, renamed);
    const out = runCli(['verify', renamed, '--allowed-signers', key.allowedSigners]);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain('evidence 1/1 intact');
  });

  it('still verifies a session given as the path of its session.jsonl', () => {
    const out = runCli(['verify', join(sessionDir, 'session.jsonl'), '--allowed-signers', key.allowedSigners]);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).not.toContain("archive's own");
  });
});

describe('unpacking an archive from someone else', () => {
  const folder = '20261124-031000-evil-0001';
  const cases: Array<[string, Parameters<typeof rawTarGz>[0], RegExp]> = [
    ['a path with ..', [{ name: `${folder}/../../escaped.txt`, data: 'x' }], /outside its folder/],
    ['an absolute path', [{ name: '/tmp/runbook-absolute-escape.txt', data: 'x' }], /outside its folder|not part of an exported session/],
    ['a symlink', [{ name: `${folder}/session.jsonl`, type: '2', linkname: '/etc/passwd' }], /of type SymbolicLink/],
    ['a hard link', [{ name: `${folder}/session.jsonl`, type: '1', linkname: '/etc/passwd' }], /of type Link/],
    ['a device', [{ name: `${folder}/session.jsonl`, type: '3' }], /of type CharacterDevice/],
    ['a file the layout does not name', [{ name: `${folder}/run-me.sh`, data: 'rm -rf ~' }], /not part of an exported session/],
    ['two session folders', [{ name: `${folder}/session.jsonl`, data: '{}' }, { name: 'other-0002/session.jsonl', data: '{}' }], /more than one session folder/],
    ['the same file twice', [{ name: `${folder}/session.jsonl`, data: 'a' }, { name: `${folder}/session.jsonl`, data: 'b' }], /twice/],
    ['a dot folder', [{ name: '../session.jsonl', data: 'a' }], /outside its folder/],
  ];
  for (const [name, entries, message] of cases) {
    it(`refuses ${name}, writing nothing`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'runbook-evil-'));
      const file = join(dir, 'evil.tar.gz');
      writeFileSync(file, rawTarGz(entries));
      await expect(unpackArchive(file)).rejects.toThrow(message);
      expect(existsSync(join(tmpdir(), 'escaped.txt'))).toBe(false);
      expect(existsSync('/tmp/runbook-absolute-escape.txt')).toBe(false);
      const cli = runCli(['verify', file], { cwd: dir });
      expect(cli.code).toBe(2);
      expect(cli.stderr).toMatch(/^runbook: Refusing to unpack .*\.\n$/);
      expect(readdirSync(dir)).toEqual(['evil.tar.gz']);
    });
  }

  it('refuses an archive larger than the limits, and one that is not an archive', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-big-'));
    const big = join(dir, 'big.tar.gz');
    writeFileSync(big, rawTarGz([{ name: `${folder}/evidence/${'a'.repeat(64)}`, data: Buffer.alloc(100_000) }]));
    await expect(unpackArchive(big, { totalBytes: 50_000, entries: 10 })).rejects.toThrow(/more than 50000 bytes/);
    const many = join(dir, 'many.tar.gz');
    writeFileSync(many, rawTarGz(Array.from({ length: 20 }, (_, i) => ({ name: `${folder}/evidence/${i.toString(16).padStart(64, '0')}`, data: 'x' }))));
    await expect(unpackArchive(many, { totalBytes: 50_000, entries: 10 })).rejects.toThrow(/more than 10 entries/);
    const junk = join(dir, 'junk.tar.gz');
    writeFileSync(junk, 'this is not gzip');
    const cli = runCli(['verify', junk]);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/^runbook: .*junk\.tar\.gz is not a readable \.tar\.gz archive .*\n$/);
    const link = join(dir, 'link.tar.gz');
    symlinkSync(big, link);
    // A symlink to an archive is still a file to read, never followed inside.
    await expect(unpackArchive(link, { totalBytes: 50_000, entries: 10 })).rejects.toThrow(/more than 50000 bytes/);
  });
});
