// allowed_signers as ssh-keygen(1) reads it: for every line shape, stock `ssh-keygen -Y verify` and
// `runbook verify` agree on whether the signature is trusted.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { matchPatternList, parseSignerTime } from '../../src/session/allowedSigners.js';
import type { Session } from '../../src/session/session.js';
import { runCli } from '../helpers/cli.js';
import { freshHome, sealedSession } from '../helpers/session.js';

let env: NodeJS.ProcessEnv;
let session: Session;
let K: string; // the key that sealed the session
let O: string; // another ed25519 key
let RSA: string;
let work: string;

beforeAll(async () => {
  env = freshHome().env;
  session = await sealedSession(env);
  K = readFileSync(join(env.XDG_CONFIG_HOME!, 'runbook', 'signing_key.pub'), 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  work = mkdtempSync(join(tmpdir(), 'runbook-signers-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(work, 'other')]);
  execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '1024', '-N', '', '-f', join(work, 'rsa')]);
  O = readFileSync(join(work, 'other.pub'), 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  RSA = readFileSync(join(work, 'rsa.pub'), 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
});

const ID = 'dana@example.com';
const shapes: Array<[string, () => string]> = [
  ['plain line', () => `${ID} ${K}`],
  ['the right namespace', () => `${ID} namespaces="runbook-session" ${K}`],
  ['another namespace', () => `${ID} namespaces="git" ${K}`],
  ['a namespace pattern', () => `${ID} namespaces="runbook-*" ${K}`],
  ['a namespace list', () => `${ID} namespaces="git,runbook-session" ${K}`],
  ['a negated namespace', () => `${ID} namespaces="!runbook-session,*" ${K}`],
  ['an empty namespace list', () => `${ID} namespaces="" ${K}`],
  ['a principal wildcard', () => `*@example.com ${K}`],
  ['a principal ?', () => `dana@example.co? ${K}`],
  ['a principal ? too short', () => `dana@example.c? ${K}`],
  ['a negated principal before *', () => `!${ID},* ${K}`],
  ['a negated principal after *', () => `*,!${ID} ${K}`],
  ['a negated other principal', () => `!bob@example.com,* ${K}`],
  ['only a negation', () => `!bob@example.com ${K}`],
  ['another principal', () => `bob@example.com ${K}`],
  ['a principal list', () => `bob@example.com,${ID} ${K}`],
  ['a quoted principal', () => `"${ID}" ${K}`],
  ['a principal in other case', () => `DANA@example.com ${K}`],
  ['valid-after in the past', () => `${ID} valid-after="20200101" ${K}`],
  ['valid-after in the future', () => `${ID} valid-after="29990101" ${K}`],
  ['valid-before in the past', () => `${ID} valid-before="20200101" ${K}`],
  ['valid-before in the future, UTC', () => `${ID} valid-before="29990101Z" ${K}`],
  ['a validity window around now', () => `${ID} valid-after="20200101",valid-before="29990101" ${K}`],
  ['valid-after with minutes', () => `${ID} valid-after="202001011230" ${K}`],
  ['valid-before with seconds, UTC', () => `${ID} valid-before="20200101123000Z" ${K}`],
  ['a bad time', () => `${ID} valid-after="yesterday" ${K}`],
  ['cert-authority', () => `${ID} cert-authority ${K}`],
  ['cert-authority with namespaces', () => `${ID} cert-authority,namespaces="runbook-session" ${K}`],
  ['cert-authority line then a plain one', () => `${ID} cert-authority ${K}\n${ID} ${K}`],
  ['an option in capitals', () => `${ID} NAMESPACES="runbook-session" ${K}`],
  ['namespaces and an expired window', () => `${ID} namespaces="runbook-session",valid-before="20200101" ${K}`],
  ['an unknown option', () => `${ID} no-touch-required ${K}`],
  ['an unknown option, then a good line', () => `${ID} bogus="x" ${K}\n${ID} ${K}`],
  ['a good line, then an unknown option', () => `${ID} ${K}\n${ID} bogus="x" ${K}`],
  ['another key', () => `${ID} ${O}`],
  ['another key, then ours', () => `${ID} ${O}\n${ID} ${K}`],
  ['an RSA key, then ours', () => `${ID} ${RSA}\n${ID} ${K}`],
  ['a wrong namespace line, then a right one', () => `${ID} namespaces="git" ${K}\n${ID} namespaces="runbook-session" ${K}`],
  ['comments and blank lines', () => `# trusted people\n\n   \n${ID} ${K}`],
  ['leading spaces', () => `   ${ID} ${K}`],
  ['a trailing comment', () => `${ID} ${K} dana's laptop`],
  ['tabs between fields', () => `${ID}\tnamespaces="runbook-session"\t${K}`],
  ['only a principal and a type', () => `${ID} ssh-ed25519`],
  ['an empty file', () => ''],
];

function sshKeygenAccepts(allowed: string): boolean {
  const result = spawnSync('ssh-keygen', ['-Y', 'verify', '-f', allowed, '-I', ID, '-n', 'runbook-session', '-s', join(session.dir, 'session.jsonl.sig')], {
    input: readFileSync(join(session.dir, 'session.jsonl')),
  });
  return result.status === 0;
}

function runbookAccepts(allowed: string): { ok: boolean; reason?: string } {
  const out = runCli(['verify', session.dir, '--json', '--allowed-signers', allowed], { env });
  const result = JSON.parse(out.stdout) as { ok: boolean; signature: string; reason?: string };
  expect(out.code).toBe(result.ok ? 0 : 1);
  return { ok: result.signature === 'valid' && result.ok, ...(result.reason ? { reason: result.reason } : {}) };
}

describe('allowed_signers: runbook verify agrees with ssh-keygen -Y verify', () => {
  it.each(shapes)('%s', (name, line) => {
    const allowed = join(work, `allowed-${name.replace(/\W+/g, '-')}`);
    writeFileSync(allowed, `${line()}\n`);
    const stock = sshKeygenAccepts(allowed);
    const ours = runbookAccepts(allowed);
    expect({ name, ok: ours.ok }).toEqual({ name, ok: stock });
    if (!ours.ok) expect(ours.reason).toMatch(/not trusted|no allowed_signers/);
  });

  it('the matrix covers both answers', () => {
    // A matrix where ssh-keygen always says yes (or always no) would prove nothing.
    const answers = new Set(shapes.slice(0, 10).map(([name, line]) => {
      const allowed = join(work, `cover-${name.replace(/\W+/g, '-')}`);
      writeFileSync(allowed, `${line()}\n`);
      return sshKeygenAccepts(allowed);
    }));
    expect(answers).toEqual(new Set([true, false]));
  });
});

describe('pattern lists and times', () => {
  it('match as OpenSSH matches them', () => {
    expect(matchPatternList('dana@example.com', '*')).toBe(true);
    expect(matchPatternList('dana@example.com', '!dana@example.com,*')).toBe(false);
    expect(matchPatternList('dana@example.com', '!bob@*')).toBe(false);
    expect(matchPatternList('a.b', 'a?b')).toBe(true);
    expect(matchPatternList('a.b', 'a.*')).toBe(true);
    expect(matchPatternList('axb', 'a.b')).toBe(false);
  });
  it('reads ssh-keygen times', () => {
    expect(parseSignerTime('20200101Z')).toBe(Date.UTC(2020, 0, 1) / 1000);
    expect(parseSignerTime('20200101123045Z')).toBe(Date.UTC(2020, 0, 1, 12, 30, 45) / 1000);
    expect(parseSignerTime('20201301')).toBeUndefined();
    expect(parseSignerTime('2020-01-01')).toBeUndefined();
  });
});
