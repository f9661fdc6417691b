// OpenSSH signatures (PROTOCOL.sshsig), byte-compatible with `ssh-keygen -Y sign/verify`.

import { createHash, verify as verifyRaw } from 'node:crypto';
import { publicFromBlob, publicKeyObject, type Ed25519Public } from './keys.js';
import { armor, SshReader, sshString, uint32, unarmor } from './sshwire.js';

export const SESSION_NAMESPACE = 'runbook-session';
const MAGIC = Buffer.from('SSHSIG', 'latin1');
const HASH = 'sha512';

/** What the key actually signs: the magic, the namespace and the message's SHA-512. */
export function signedData(namespace: string, message: Buffer): Buffer {
  const digest = createHash(HASH).update(message).digest();
  return Buffer.concat([MAGIC, sshString(namespace), sshString(''), sshString(HASH), sshString(digest)]);
}

export type SignData = (data: Buffer) => Promise<Buffer> | Buffer;

export async function signMessage(message: Buffer, pub: Ed25519Public, sign: SignData, namespace = SESSION_NAMESPACE): Promise<string> {
  const signature = await sign(signedData(namespace, message));
  const blob = Buffer.concat([MAGIC, uint32(1), sshString(pub.blob), sshString(namespace), sshString(''), sshString(HASH), sshString(signature)]);
  return armor('SSH SIGNATURE', blob, 70);
}

export interface SignatureCheck {
  ok: boolean;
  /** The key that made the signature, when it could be read. */
  key?: Ed25519Public;
  reason?: string;
}

export function verifyMessage(message: Buffer, armored: string, namespace = SESSION_NAMESPACE): SignatureCheck {
  const blob = unarmor('SSH SIGNATURE', armored);
  if (!blob) return { ok: false, reason: 'the signature file is not an SSH signature' };
  try {
    const reader = new SshReader(blob);
    if (!reader.bytes(6).equals(MAGIC)) return { ok: false, reason: 'the signature file is not an SSH signature' };
    if (reader.uint32() !== 1) return { ok: false, reason: 'unsupported SSH signature version' };
    const key = publicFromBlob(Buffer.from(reader.string()));
    const signedNamespace = reader.text();
    reader.string(); // reserved
    const hash = reader.text();
    const signature = new SshReader(reader.string());
    if (signedNamespace !== namespace) return { ok: false, key, reason: `signed for namespace "${signedNamespace}", not "${namespace}"` };
    if (hash !== 'sha512' && hash !== 'sha256') return { ok: false, key, reason: `unsupported hash ${hash}` };
    if (signature.text() !== 'ssh-ed25519') return { ok: false, key, reason: 'unsupported signature type' };
    const raw = signature.string();
    const data = Buffer.concat([MAGIC, sshString(namespace), sshString(''), sshString(hash), sshString(createHash(hash).update(message).digest())]);
    const ok = verifyRaw(null, data, publicKeyObject(key), raw);
    return ok ? { ok, key } : { ok, key, reason: 'the signature does not match the log' };
  } catch (error) {
    return { ok: false, reason: `the signature file is corrupt (${(error as Error).message})` };
  }
}
