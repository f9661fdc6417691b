// Signing through ssh-agent, for passphrase-protected keys (draft-miller-ssh-agent: 13 sign request, 14 reply).

import { createConnection } from 'node:net';
import { SshReader, sshString, uint32 } from './sshwire.js';

const SIGN_REQUEST = 13;
const SIGN_RESPONSE = 14;
const FAILURE = 5;

export function agentSign(socketPath: string, keyBlob: Buffer, data: Buffer, timeoutMs = 30_000): Promise<Buffer> {
  const body = Buffer.concat([Buffer.from([SIGN_REQUEST]), sshString(keyBlob), sshString(data), uint32(0)]);
  const request = Buffer.concat([uint32(body.length), body]);
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    const chunks: Buffer[] = [];
    const fail = (message: string) => {
      socket.destroy();
      reject(new Error(message));
    };
    socket.setTimeout(timeoutMs, () => fail('ssh-agent did not answer (is it waiting for a confirmation?)'));
    socket.on('error', (error) => fail(`cannot reach ssh-agent at ${socketPath}: ${error.message}`));
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      const all = Buffer.concat(chunks);
      if (all.length < 4 || all.length < 4 + all.readUInt32BE(0)) return;
      socket.end();
      const reply = new SshReader(all.subarray(4, 4 + all.readUInt32BE(0)));
      const type = reply.bytes(1)[0];
      if (type === SIGN_RESPONSE) resolve(Buffer.from(reply.string()));
      else if (type === FAILURE) reject(new Error('ssh-agent refused to sign: the key is not loaded (ssh-add it) or was not confirmed'));
      else reject(new Error(`ssh-agent answered with unexpected message ${type}`));
    });
  });
}
