// Signatures that stock OpenSSH accepts, and keys in OpenSSH's own formats.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentSign } from '../../src/session/agent.js';
import { parsePrivateKey, publicKeyLine, signWithKey } from '../../src/session/keys.js';
import { keyFiles, keygen, loadSigner } from '../../src/session/signer.js';
import { signMessage, verifyMessage } from '../../src/session/sshsig.js';
import { freshHome, sealedSession } from '../helpers/session.js';

function sshKeygenVerify(allowedSigners: string, identity: string, sigPath: string, message: Buffer) {
  return spawnSync('ssh-keygen', ['-Y', 'verify', '-f', allowedSigners, '-I', identity, '-n', 'runbook-session', '-s', sigPath], { input: message, encoding: 'utf8' });
}

describe('SSH signatures', () => {
  it('seals a session so that ssh-keygen -Y verify accepts it, and rejects it once changed', async () => {
    const { env } = freshHome();
    const session = await sealedSession(env);
    const log = readFileSync(join(session.dir, 'session.jsonl'));
    const files = keyFiles(env);
    const good = sshKeygenVerify(files.allowedSigners, 'dana@example.com', join(session.dir, 'session.jsonl.sig'), log);
    expect(good.stdout).toContain('Good "runbook-session" signature for dana@example.com');
    expect(good.status).toBe(0);
    const changed = Buffer.from(log);
    changed[10] = changed[10]! ^ 1;
    expect(sshKeygenVerify(files.allowedSigners, 'dana@example.com', join(session.dir, 'session.jsonl.sig'), changed).status).not.toBe(0);
    expect(sshKeygenVerify(files.allowedSigners, 'mallory@example.com', join(session.dir, 'session.jsonl.sig'), log).status).not.toBe(0);
  });

  it('writes keys ssh-keygen reads, with private key mode 0600', () => {
    const { env } = freshHome();
    const { files, publicLine } = keygen({ env, identity: 'ravi@example.com' });
    expect(execFileSync('ssh-keygen', ['-y', '-f', files.key], { encoding: 'utf8' }).trim()).toBe(publicLine.replace(/ ravi@example.com$/, ' ravi@example.com'));
    expect((statSync(files.key).mode & 0o777).toString(8)).toBe('600');
    expect(readFileSync(files.allowedSigners, 'utf8')).toBe(`ravi@example.com namespaces="runbook-session" ${publicLine.split(' ').slice(0, 2).join(' ')}\n`);
  });

  it('signs with a key made by ssh-keygen, and verifies what ssh-keygen -Y sign made', () => {
    const { root } = freshHome();
    const keyPath = join(root, 'id_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'sam@example.com', '-f', keyPath]);
    const key = parsePrivateKey(readFileSync(keyPath, 'utf8'));
    expect(publicKeyLine(key.public, 'sam@example.com')).toBe(readFileSync(`${keyPath}.pub`, 'utf8').trim());
    const message = Buffer.from('hello session\n');
    const messagePath = join(root, 'm.txt');
    writeFileSync(messagePath, message);
    execFileSync('ssh-keygen', ['-Y', 'sign', '-f', keyPath, '-n', 'runbook-session', messagePath], { stdio: 'ignore' });
    const theirs = readFileSync(`${messagePath}.sig`, 'utf8');
    expect(verifyMessage(message, theirs)).toMatchObject({ ok: true });
    expect(verifyMessage(Buffer.from('hello sessioN\n'), theirs)).toMatchObject({ ok: false });
    expect(verifyMessage(message, theirs, 'other-namespace')).toMatchObject({ ok: false });
  });

  it('makes signatures byte-identical to ssh-keygen -Y sign (Ed25519 is deterministic)', async () => {
    const { root } = freshHome();
    const keyPath = join(root, 'id_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyPath]);
    const messagePath = join(root, 'm.txt');
    writeFileSync(messagePath, 'same bytes\n');
    execFileSync('ssh-keygen', ['-Y', 'sign', '-f', keyPath, '-n', 'runbook-session', messagePath], { stdio: 'ignore' });
    const key = parsePrivateKey(readFileSync(keyPath, 'utf8'));
    const ours = await signMessage(Buffer.from('same bytes\n'), key.public, (d) => signWithKey(key.privateKey!, d));
    expect(ours).toBe(readFileSync(`${messagePath}.sig`, 'utf8'));
  });

  it('signs through ssh-agent when the key is passphrase-protected', async () => {
    const { root, env } = freshHome();
    const keyPath = join(root, 'protected');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'correct horse', '-C', 'alex@example.com', '-f', keyPath]);
    const socket = join(root, 'agent.sock');
    const agent = spawnSync('ssh-agent', ['-a', socket], { encoding: 'utf8' });
    const pid = Number(/SSH_AGENT_PID=(\d+)/.exec(agent.stdout)![1]);
    try {
      const askpass = join(root, 'askpass.sh');
      writeFileSync(askpass, '#!/bin/sh\necho "correct horse"\n', { mode: 0o700 });
      execFileSync('ssh-add', [keyPath], { env: { ...env, SSH_AUTH_SOCK: socket, SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' }, stdio: 'ignore' });
      expect(() => loadSigner({ keyPath, env: { ...env, SSH_AUTH_SOCK: '' } })).toThrow(/passphrase-protected; load it into ssh-agent/);
      const { signer } = loadSigner({ keyPath, env: { ...env, SSH_AUTH_SOCK: socket } });
      expect(signer.identity).toBe('dana@example.com'); // RUNBOOK_SIGNER wins over the key comment
      const message = Buffer.from('signed by the agent\n');
      const armored = await signMessage(message, signer.key, signer.sign);
      expect(verifyMessage(message, armored)).toMatchObject({ ok: true });
      await expect(agentSign(socket, Buffer.from('not a key'), message)).rejects.toThrow(/refused to sign/);
    } finally {
      process.kill(pid);
    }
  });
});
